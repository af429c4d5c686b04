-- One live issue with its flow milestones (from the incremental int_jira__issue_flow_history)
-- and its current statusCategory from the same status dimension, so that "currently done" and
-- "first reached done" agree: that of its latest move when it is still in the status the move
-- entered, else that of its current status.
with issues as (
    select * from {{ ref('stg_jira__issues') }}
),

flow as (
    select * from {{ ref('int_jira__issue_flow_history') }}
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
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
        issues.parent_key,
        issues.story_points,
        issues.due_date,
        case
            when flow.last_to_status_id = issues.status_id then flow.last_to_category_key
            else statuses.status_category_key
        end as current_category_key,
        flow.initial_category_key,
        issues.created_at,
        flow.first_in_progress_at,
        flow.first_done_at,
        flow.reopen_count,
        flow.status_change_count,
        flow.last_status_change_at,
        flow.first_unknown_status_at,
        flow.active_days,
        flow.waiting_days
    from issues
    inner join flow on issues.issue_id = flow.issue_id
    left join statuses on issues.status_id = statuses.status_id
)

select
    issue_id,
    issue_key,
    project_id,
    project_key,
    issue_type,
    is_subtask,
    is_bug,
    parent_key,
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
    first_unknown_status_at,
    first_unknown_status_at is not null as has_unknown_status,
    date_diff('second', created_at, first_done_at) / 86400.0 as lead_time_days,
    case
        when first_in_progress_at <= first_done_at
            then date_diff('second', first_in_progress_at, first_done_at) / 86400.0
    end as cycle_time_days,
    active_days,
    waiting_days
from lifecycle
