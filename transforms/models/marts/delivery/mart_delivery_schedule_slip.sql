-- Issues past their due date: done late, or not yet done and overdue at build time.
with slipped as (
    select
        issue_id,
        issue_key,
        project_id,
        project_key,
        due_date,
        first_done_at,
        case when first_done_at is null then 'open_overdue' else 'done_late' end as slip_state,
        date_diff('day', due_date, coalesce(cast(first_done_at as date), current_date))
            as slip_days
    from {{ ref('int_jira__issue_lifecycle') }}
    where due_date is not null
        and not is_subtask
)

select * from slipped
where slip_days > 0
