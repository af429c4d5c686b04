-- Issues past their due date: done late, or not yet done and overdue at build time.
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where due_date is not null
        and not is_subtask
),

slipped as (
    select
        lifecycle.issue_id,
        lifecycle.issue_key,
        lifecycle.project_id,
        lifecycle.project_key,
        lifecycle.due_date,
        lifecycle.first_done_at,
        case when lifecycle.first_done_at is null then 'open_overdue' else 'done_late' end
            as slip_state,
        date_diff(
            'day',
            lifecycle.due_date,
            coalesce(cast(lifecycle.first_done_at as date), current_date)
        ) as slip_days
    from lifecycle
)

select *
from slipped
where slip_days > 0
