-- One stretch of time an issue spent in one status: from its creation or a status move to
-- the next move (or, for the current status, to the build time: left_at is null), in the
-- statusCategory its move gave it (int_jira__status_transitions), or that of the status
-- dimension for an issue that never moved.
-- Incremental: only issues with new raw rows since the last build are recomputed.
{{ config(
    materialized='incremental',
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ delete_vanished_issues(one_row_per_issue='interval_number = 0') }}",
) }}

with issues as (
    select * from {{ ref('stg_jira__issues') }}
    where {{ is_newer_load('load_id') }}
),

transitions as (
    select * from {{ ref('int_jira__status_transitions') }}
    where {{ is_newer_load('source_load_id') }}
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
),

initial_stretch as (
    select
        issues.issue_id,
        0 as interval_number,
        coalesce(first_move.from_status_id, issues.status_id) as status_id,
        case
            when first_move.issue_id is null then current_status.status_category_key
            else first_move.from_category_key
        end as status_category_key,
        issues.created_at as entered_at
    from issues
    left join transitions as first_move
        on issues.issue_id = first_move.issue_id and first_move.transition_number = 1
    left join statuses as current_status on issues.status_id = current_status.status_id
),

later_stretches as (
    select
        issue_id,
        transition_number as interval_number,
        to_status_id as status_id,
        to_category_key as status_category_key,
        changed_at as entered_at
    from transitions
),

stretches as (
    select * from initial_stretch
    union all
    select * from later_stretches
),

bounded as (
    select
        *,
        lead(entered_at) over (partition by issue_id order by interval_number) as left_at
    from stretches
)

select
    bounded.issue_id,
    bounded.interval_number,
    bounded.status_id,
    bounded.status_category_key,
    coalesce(statuses.is_waiting, false) as is_waiting,
    bounded.entered_at,
    bounded.left_at,
    date_diff('second', bounded.entered_at, bounded.left_at) / 86400.0 as duration_days,
    {{ issue_source_load_id() }} as source_load_id
from bounded
left join statuses on bounded.status_id = statuses.status_id
