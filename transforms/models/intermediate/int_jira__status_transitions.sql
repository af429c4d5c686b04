-- One status move of one issue, with the statusCategory on both sides, numbered in time order.
-- Categories come from the status dimension (int_jira__statuses); a move into a status it
-- does not know is done when the same changelog history sets the resolution (Jira resolves
-- issues on their way to done), else unknown (null). The from-side of a move takes the
-- category the previous move gave that status.
-- Incremental: only issues with new raw rows since the last build are recomputed.
{{ config(
    materialized='incremental',
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ delete_vanished_issues('int_jira__issue_lifecycle', 'true') }}",
) }}

with changed_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
    where field_id in ('status', 'resolution')
        and {{ is_changed_issue('issue_id') }}
),

status_items as (
    select * from changed_items
    where field_id = 'status'
),

resolving_histories as (
    select distinct issue_id, history_id
    from changed_items
    where field_id = 'resolution'
        and to_value is not null
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
),

moves as (
    select
        status_items.issue_id,
        status_items.history_id,
        status_items.item_index,
        status_items.changed_at,
        status_items.from_value as from_status_id,
        status_items.to_value as to_status_id,
        from_status.status_category_key as from_status_category_key,
        coalesce(
            to_status.status_category_key,
            case when resolving_histories.history_id is not null then 'done' end
        ) as to_category_key,
        row_number() over (
            partition by status_items.issue_id
            order by
                status_items.changed_at,
                try_cast(status_items.history_id as bigint),
                status_items.history_id,
                status_items.item_index
        ) as transition_number
    from status_items
    left join statuses as from_status on status_items.from_value = from_status.status_id
    left join statuses as to_status on status_items.to_value = to_status.status_id
    left join resolving_histories
        on status_items.issue_id = resolving_histories.issue_id
        and status_items.history_id = resolving_histories.history_id
)

select
    issue_id,
    history_id,
    item_index,
    changed_at,
    from_status_id,
    to_status_id,
    coalesce(
        from_status_category_key,
        case
            when lag(to_status_id) over issue_order = from_status_id
                then lag(to_category_key) over issue_order
        end
    ) as from_category_key,
    to_category_key,
    transition_number,
    {{ issue_source_load_id() }} as source_load_id
from moves
window issue_order as (partition by issue_id order by transition_number)
