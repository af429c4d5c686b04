-- One issue with its flow milestones from the status changelog, by statusCategory only.
-- Incremental: only issues with new raw rows since the last build are recomputed.
{{ config(
    materialized='incremental',
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ delete_vanished_issues(one_row_per_issue='true') }}",
) }}

with issues as (
    select * from {{ ref('stg_jira__issues') }}
    where {{ is_newer_load('load_id') }}
),

transitions as (
    select * from {{ ref('int_jira__status_transitions') }}
    where {{ is_newer_load('source_load_id') }}
),

per_issue as (
    select
        issue_id,
        min(case when to_category_key = 'indeterminate' then changed_at end)
            as first_moved_in_progress_at,
        min(case when to_category_key = 'done' then changed_at end) as first_moved_done_at,
        count(case when from_category_key = 'done' and to_category_key <> 'done' then 1 end)
            as reopen_count,
        count(*) as status_change_count,
        max(changed_at) as last_status_change_at
    from transitions
    group by issue_id
),

initial_status as (
    select
        issue_id,
        from_category_key as initial_category_key
    from transitions
    where transition_number = 1
),

lifecycle as (
    select
        issues.issue_id,
        issues.issue_key,
        issues.project_id,
        issues.project_key,
        issues.issue_type,
        issues.is_subtask,
        issues.is_bug,
        issues.story_points,
        issues.due_date,
        issues.status_category_key as current_category_key,
        issues.created_at,
        coalesce(initial_status.initial_category_key, issues.status_category_key)
            as initial_category_key,
        coalesce(per_issue.reopen_count, 0) as reopen_count,
        coalesce(per_issue.status_change_count, 0) as status_change_count,
        per_issue.first_moved_in_progress_at,
        per_issue.first_moved_done_at,
        per_issue.last_status_change_at
    from issues
    left join per_issue on issues.issue_id = per_issue.issue_id
    left join initial_status on issues.issue_id = initial_status.issue_id
),

milestones as (
    select
        *,
        case
            when initial_category_key = 'indeterminate' then created_at
            else first_moved_in_progress_at
        end as first_in_progress_at,
        case
            when initial_category_key = 'done' then created_at
            else first_moved_done_at
        end as first_done_at
    from lifecycle
)

select
    issue_id,
    issue_key,
    project_id,
    project_key,
    issue_type,
    is_subtask,
    is_bug,
    story_points,
    due_date,
    current_category_key,
    current_category_key = 'done' as is_done,
    initial_category_key,
    created_at,
    first_in_progress_at,
    first_done_at,
    reopen_count,
    status_change_count,
    last_status_change_at,
    date_diff('second', created_at, first_done_at) / 86400.0 as lead_time_days,
    case
        when first_in_progress_at <= first_done_at
            then date_diff('second', first_in_progress_at, first_done_at) / 86400.0
    end as cycle_time_days,
    {{ issue_source_load_id() }} as source_load_id
from milestones
