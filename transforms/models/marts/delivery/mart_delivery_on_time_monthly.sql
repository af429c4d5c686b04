-- On-time delivery and slip of done issues per project and month of the first move to done.
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
),

done_issues as (
    select
        project_id,
        project_key,
        cast(date_trunc('month', first_done_at) as date) as month_start,
        due_date,
        date_diff('day', due_date, cast(first_done_at as date)) as days_after_due
    from lifecycle
)

select
    project_id,
    project_key,
    month_start,
    count(*) as issues_done,
    count(due_date) as done_with_due_date,
    count(case when days_after_due <= 0 then 1 end) as done_on_time,
    count(case when days_after_due > 0 then 1 end) as done_late,
    100.0 * count(case when days_after_due <= 0 then 1 end) / nullif(count(due_date), 0)
        as on_time_rate_pct,
    avg(case when days_after_due > 0 then days_after_due end) as slip_days_mean_done_late
from done_issues
group by project_id, project_key, month_start
