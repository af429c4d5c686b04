-- One issue with its flow milestones from the status changelog, by statusCategory only: the
-- categories of its moves (int_jira__status_transitions), its current one from the same
-- status dimension, so that "currently done" and "first reached done" agree. An issue whose
-- creation status has an unknown category is not taken to be in progress or done at creation.
with issues as (
    select * from {{ ref('stg_jira__issues') }}
),

transitions as (
    select * from {{ ref('int_jira__status_transitions') }}
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
        max(changed_at) as last_status_change_at,
        min(case when to_category_key is null then changed_at end) as first_moved_unknown_at,
        arg_max_null(to_status_id, transition_number) as last_to_status_id,
        arg_max_null(to_category_key, transition_number) as last_to_category_key,
        any_value(case when transition_number = 1 then from_category_key end)
            as first_move_from_category_key
    from transitions
    group by issue_id
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
        issues.story_points,
        issues.due_date,
        case
            when per_issue.last_to_status_id = issues.status_id
                then per_issue.last_to_category_key
            else statuses.status_category_key
        end as current_category_key,
        issues.created_at,
        per_issue.issue_id is null as never_moved,
        per_issue.first_move_from_category_key,
        per_issue.first_moved_unknown_at,
        coalesce(per_issue.reopen_count, 0) as reopen_count,
        coalesce(per_issue.status_change_count, 0) as status_change_count,
        per_issue.first_moved_in_progress_at,
        per_issue.first_moved_done_at,
        per_issue.last_status_change_at
    from issues
    left join per_issue on issues.issue_id = per_issue.issue_id
    left join statuses on issues.status_id = statuses.status_id
),

initial as (
    select
        *,
        case
            when never_moved then current_category_key
            else first_move_from_category_key
        end as initial_category_key
    from lifecycle
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
        end as first_done_at,
        case
            when initial_category_key is null then created_at
            else first_moved_unknown_at
        end as first_unknown_status_at
    from initial
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
    first_unknown_status_at,
    first_unknown_status_at is not null as has_unknown_status,
    date_diff('second', created_at, first_done_at) / 86400.0 as lead_time_days,
    case
        when first_in_progress_at <= first_done_at
            then date_diff('second', first_in_progress_at, first_done_at) / 86400.0
    end as cycle_time_days
from milestones
