-- Work in progress at each month end (or now, for the current month) and its age.
with intervals as (
    select * from {{ ref('int_jira__status_intervals') }}
    where status_category_key = 'indeterminate'
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

build_time as (
    select cast(now() at time zone 'UTC' as timestamp) as built_at
),

candidate_months as (
    select
        intervals.issue_id,
        intervals.entered_at,
        intervals.left_at,
        build_time.built_at,
        cast(unnest(generate_series(
            date_trunc('month', intervals.entered_at),
            date_trunc('month', coalesce(intervals.left_at, build_time.built_at)),
            interval 1 month
        )) as date) as month_start
    from intervals
    cross join build_time
),

month_ends as (
    select
        *,
        least(cast(month_start + interval 1 month as timestamp), built_at) as as_of_at
    from candidate_months
),

wip as (
    select
        month_ends.month_start,
        month_ends.as_of_at,
        lifecycle.project_id,
        lifecycle.project_key,
        lifecycle.story_points,
        date_diff('second', lifecycle.first_in_progress_at, month_ends.as_of_at) / 86400.0
            as age_days
    from month_ends
    inner join lifecycle on month_ends.issue_id = lifecycle.issue_id
    where month_ends.entered_at < month_ends.as_of_at
        and (month_ends.left_at is null or month_ends.left_at >= month_ends.as_of_at)
)

select
    project_id,
    project_key,
    month_start,
    max(as_of_at) as as_of_at,
    count(*) as wip_issues,
    coalesce(sum(story_points), 0) as wip_story_points,
    avg(age_days) as wip_age_mean_days,
    round(percentile_cont(0.85) within group (order by age_days), 3) as wip_age_p85_days,
    max(age_days) as wip_age_max_days
from wip
group by project_id, project_key, month_start
