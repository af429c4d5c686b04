-- Work in progress at each month end (or at build time, for the current month) and its age,
-- with the issues then in a status of unknown category (they might be in progress).
with build_time as (
    select cast(now() at time zone 'UTC' as timestamp) as built_at
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

-- The stretches in progress (or of unknown category) that some month end may fall in: one
-- left before the end of the month it started in is never measured. Read from the
-- incremental history: the inner join with the lifecycle keeps live issues.
measured_stretches as (
    select intervals.*
    from {{ ref('int_jira__status_interval_history') }} as intervals
    cross join build_time
    where coalesce(intervals.status_category_key, 'unknown') in ('indeterminate', 'unknown')
        and (
            intervals.left_at is null
            or intervals.left_at >= date_trunc('month', intervals.entered_at) + interval 1 month
            or intervals.left_at >= build_time.built_at
        )
),

intervals as (
    select
        measured_stretches.entered_at,
        measured_stretches.left_at,
        measured_stretches.status_category_key is null as is_unknown,
        lifecycle.project_id,
        lifecycle.project_key,
        lifecycle.story_points,
        lifecycle.first_in_progress_at
    from measured_stretches
    inner join lifecycle on measured_stretches.issue_id = lifecycle.issue_id
),

-- Each month end from the first measured stretch's month to the build (the current month
-- measured at build time).
month_ends as (
    select
        cast(month_start as date) as month_start,
        least(month_start + interval 1 month, build_time.built_at) as as_of_at
    from build_time
    cross join range(
        (select date_trunc('month', min(entered_at)) from intervals),
        date_trunc('month', build_time.built_at) + interval 1 month,
        interval 1 month
    ) as months (month_start)
),

-- The stretches in progress at each month end: a range join, not one list of months per
-- stretch, which costs more to build and unnest.
stretch_month_ends as (
    select intervals.*, month_ends.month_start, month_ends.as_of_at
    from intervals
    inner join month_ends
        on intervals.entered_at < month_ends.as_of_at
        and coalesce(intervals.left_at, timestamp 'infinity') >= month_ends.as_of_at
),

in_progress as (
    select
        month_start,
        as_of_at,
        project_id,
        project_key,
        is_unknown,
        case when not is_unknown then story_points end as story_points,
        case
            when not is_unknown then {{ days_between('first_in_progress_at', 'as_of_at') }}
        end as age_days
    from stretch_month_ends
)

select
    project_id,
    project_key,
    month_start,
    max(as_of_at) as as_of_at,
    count(case when not is_unknown then 1 end) as wip_issues,
    {{ sum_of_estimates('story_points', 'not is_unknown') }} as wip_story_points,
    avg(age_days) as wip_age_mean_days,
    {{ percentile_days(0.85, 'age_days') }} as wip_age_p85_days,
    max(age_days) as wip_age_max_days,
    count(case when is_unknown then 1 end) as unknown_status_issues
from in_progress
group by project_id, project_key, month_start
