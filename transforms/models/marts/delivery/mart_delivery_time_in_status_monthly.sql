-- Time the issues first done in a month spent in each status before that first done.
with lifecycle as (
    select * from {{ done_issues() }} as done_issues
),

-- The incremental history: the inner join with the done issues keeps live issues.
intervals as (
    select * from {{ ref('int_jira__status_interval_history') }}
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
),

before_first_done as (
    select
        lifecycle.project_id,
        lifecycle.project_key,
        {{ period_start('month', 'lifecycle.first_done_at') }} as month_start,
        lifecycle.issue_id,
        intervals.status_id,
        -- least() skips the null end of a stretch still open
        {{ days_between(
            'intervals.entered_at', 'least(intervals.left_at, lifecycle.first_done_at)'
        ) }} as days_in_status
    from lifecycle
    inner join intervals
        on lifecycle.issue_id = intervals.issue_id
        and intervals.entered_at < lifecycle.first_done_at
),

per_issue as (
    select project_id, project_key, month_start, status_id, sum(days_in_status) as days_in_status
    from before_first_done
    group by project_id, project_key, month_start, issue_id, status_id
),

time_in_status as (
    select
        per_issue.project_id,
        per_issue.project_key,
        per_issue.month_start,
        per_issue.status_id,
        any_value(statuses.status_name) as status_name,
        any_value(statuses.status_category_key) as status_category_key,
        coalesce(any_value(statuses.is_waiting), false) as is_waiting,
        count(*) as issues,
        sum(per_issue.days_in_status) as days_in_status,
        sum(per_issue.days_in_status) / count(*) as days_per_issue
    from per_issue
    left join statuses on per_issue.status_id = statuses.status_id
    group by per_issue.project_id, per_issue.project_key, per_issue.month_start, per_issue.status_id
)

select * from time_in_status
