-- One status move of one issue, with the statusCategory on both sides, numbered in time order.
-- Incremental: only issues with new raw rows since the last build are recomputed.
{{ config(
    materialized='incremental',
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ delete_vanished_issues('int_jira__issue_lifecycle', 'true') }}",
) }}

with status_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
    where field_id = 'status'
        and {{ is_changed_issue('issue_id') }}
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
)

select
    status_items.issue_id,
    status_items.history_id,
    status_items.item_index,
    status_items.changed_at,
    status_items.from_value as from_status_id,
    status_items.to_value as to_status_id,
    from_status.status_category_key as from_category_key,
    to_status.status_category_key as to_category_key,
    row_number() over (
        partition by status_items.issue_id
        order by
            status_items.changed_at,
            try_cast(status_items.history_id as bigint),
            status_items.history_id,
            status_items.item_index
    ) as transition_number,
    {{ issue_source_load_id() }} as source_load_id
from status_items
left join statuses as from_status on status_items.from_value = from_status.status_id
left join statuses as to_status on status_items.to_value = to_status.status_id
