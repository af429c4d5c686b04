-- On-time delivery and slip of done issues per project and month of the first move to done.
with done_issues as (
    select
        project_id,
        project_key,
        {{ period_start('month', 'first_done_at') }} as month_start,
        due_date,
        date_diff('day', due_date, cast(first_done_at as date)) as days_after_due,
        has_unknown_status
    from {{ done_issues() }} as done_issues
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
    avg(case when days_after_due > 0 then days_after_due end) as slip_days_mean_done_late,
    count(case when has_unknown_status then 1 end) as issues_with_unknown_status
from done_issues
group by project_id, project_key, month_start
