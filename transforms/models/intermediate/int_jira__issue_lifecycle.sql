-- One live issue with its attributes, flow milestones and current statusCategory: the rows of
-- the incremental int_jira__issue_history not marked deleted. A view, so that a Jira
-- load rewrites no table of every issue; the bug flag follows the vars on every read.
{{ config(materialized='view') }}

with flow as (
    select * from {{ ref('int_jira__issue_history') }}
    where not is_deleted
)

select
    issue_id,
    issue_key,
    project_id,
    project_key,
    issue_type,
    is_subtask,
    {{ is_bug_issue_type(
        'issue_type',
        "(select issues.issue_type_id from " ~ ref('stg_jira__issues')
            ~ " as issues where issues.issue_id = flow.issue_id)"
    ) }} as is_bug,
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
from flow
