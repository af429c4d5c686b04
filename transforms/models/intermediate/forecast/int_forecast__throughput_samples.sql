-- The throughput a delivery forecast samples: per as-of day and Jira project, the issues (and
-- story points) first done in each of the var('forecast_history_weeks') seven-day weeks before
-- the as-of day's end, weeks without any as zeros (sub-tasks left out, as in the throughput
-- marts). has_full_history: the project's first issue was created before the sampled weeks
-- began; otherwise its forecast samples the portfolio's weeks instead.
with as_of_days as (
    select * from {{ ref('int_forecast__as_of_days') }}
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

-- The done issues some as-of day samples, found by a plain filter before the range join with
-- the as-of days (which sorts its inputs): most of the history is older than the sampled weeks.
recent_done as (
    select project_key, story_points, first_done_at
    from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
        and first_done_at >= (
            select min(cutoff_at) - to_days(7 * {{ var('forecast_history_weeks') }})
            from as_of_days
        )
        and first_done_at < (select max(cutoff_at) from as_of_days)
),

projects as (
    select project_key, min(created_at) as first_created_at
    from lifecycle
    group by project_key
),

weeks as (
    select
        as_of_days.as_of_date,
        as_of_days.cutoff_at,
        projects.project_key,
        projects.first_created_at,
        week_number.week_number
    from as_of_days
    cross join projects
    cross join range(1, {{ var('forecast_history_weeks') }} + 1) as week_number (week_number)
),

done_weeks as (
    select
        as_of_days.as_of_date,
        recent_done.project_key,
        ceil(
            date_diff('microsecond', recent_done.first_done_at, as_of_days.cutoff_at)
            / (7 * 86400 * 1e6)
        ) as week_number,
        count(*) as issues_done,
        coalesce(sum(recent_done.story_points), 0) as story_points_done
    from recent_done
    inner join as_of_days
        on recent_done.first_done_at < as_of_days.cutoff_at
        and recent_done.first_done_at >= as_of_days.cutoff_at
            - to_days(7 * {{ var('forecast_history_weeks') }})
    group by all
)

select
    weeks.as_of_date,
    weeks.project_key,
    weeks.week_number,
    coalesce(done_weeks.issues_done, 0) as issues_done,
    coalesce(done_weeks.story_points_done, 0) as story_points_done,
    weeks.first_created_at
        <= weeks.cutoff_at - to_days(7 * {{ var('forecast_history_weeks') }})
        as has_full_history
from weeks
left join done_weeks
    on weeks.as_of_date = done_weeks.as_of_date
    and weeks.project_key = done_weeks.project_key
    and weeks.week_number = done_weeks.week_number
