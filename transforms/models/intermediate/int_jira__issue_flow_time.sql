-- Active versus waiting time inside each done issue's cycle (first in progress -> first done).
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where cycle_time_days is not null
),

intervals as (
    select * from {{ ref('int_jira__status_intervals') }}
),

clipped as (
    select
        lifecycle.issue_id,
        intervals.status_category_key = 'indeterminate' and not intervals.is_waiting as is_active,
        date_diff(
            'second',
            greatest(intervals.entered_at, lifecycle.first_in_progress_at),
            least(coalesce(intervals.left_at, lifecycle.first_done_at), lifecycle.first_done_at)
        ) / 86400.0 as days_in_window
    from lifecycle
    inner join intervals
        on lifecycle.issue_id = intervals.issue_id
        and intervals.entered_at < lifecycle.first_done_at
        and coalesce(intervals.left_at, lifecycle.first_done_at) > lifecycle.first_in_progress_at
)

select
    issue_id,
    sum(case when is_active then days_in_window else 0 end) as active_days,
    sum(case when is_active then 0 else days_in_window end) as waiting_days
from clipped
group by issue_id
