-- Time the issues first done in a month spent in each status before that first done.
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
),

intervals as (
    select * from {{ ref('int_jira__status_intervals') }}
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
        date_diff(
            'second',
            intervals.entered_at,
            least(coalesce(intervals.left_at, lifecycle.first_done_at), lifecycle.first_done_at)
        ) / 86400.0 as days_in_status
    from lifecycle
    inner join intervals
        on lifecycle.issue_id = intervals.issue_id
        and intervals.entered_at < lifecycle.first_done_at
),

time_in_status as (
    select
        before_first_done.project_id,
        before_first_done.project_key,
        before_first_done.month_start,
        before_first_done.status_id,
        any_value(statuses.status_name) as status_name,
        any_value(statuses.status_category_key) as status_category_key,
        coalesce(any_value(statuses.is_waiting), false) as is_waiting,
        count(distinct before_first_done.issue_id) as issues,
        sum(before_first_done.days_in_status) as days_in_status,
        sum(before_first_done.days_in_status) / count(distinct before_first_done.issue_id)
            as days_per_issue
    from before_first_done
    left join statuses on before_first_done.status_id = statuses.status_id
    group by
        before_first_done.project_id,
        before_first_done.project_key,
        before_first_done.month_start,
        before_first_done.status_id
)

select * from time_in_status
