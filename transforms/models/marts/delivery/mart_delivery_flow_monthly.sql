-- Lead time, cycle time and flow efficiency (the active and waiting days inside each issue's
-- cycle, computed by int_jira__issue_history) per project and month of the first move to
-- done.
with lifecycle as (
    select * from {{ done_issues() }} as done_issues
),

done_issues as (
    select
        lifecycle.project_id,
        lifecycle.project_key,
        {{ period_start('month', 'lifecycle.first_done_at') }} as month_start,
        lifecycle.lead_time_days,
        lifecycle.cycle_time_days,
        lifecycle.has_unknown_status,
        lifecycle.active_days,
        lifecycle.waiting_days
    from lifecycle
),

flow as (
    select
        project_id,
        project_key,
        month_start,
        count(*) as issues_done,
        {{ percentile_days(0.5, 'lead_time_days') }} as lead_time_p50_days,
        {{ percentile_days(0.85, 'lead_time_days') }} as lead_time_p85_days,
        count(cycle_time_days) as issues_with_cycle_time,
        {{ percentile_days(0.5, 'cycle_time_days') }} as cycle_time_p50_days,
        {{ percentile_days(0.85, 'cycle_time_days') }} as cycle_time_p85_days,
        sum(active_days) as active_days,
        sum(waiting_days) as waiting_days,
        100.0 * sum(active_days) / nullif(sum(active_days) + sum(waiting_days), 0)
            as flow_efficiency_pct,
        count(case when has_unknown_status then 1 end) as issues_with_unknown_status
    from done_issues
    group by project_id, project_key, month_start
)

select * from flow
