-- The delivery forecast as it stood on each as-of day (the latest and the same weekday of the
-- weeks before): completion dates, the chance of meeting the plan's date, and how the P85 date
-- moved since the week before.
with simulations as (
    select * from {{ ref('int_forecast__simulations') }}
),

dated as (
    select
        *,
        cast(as_of_date + to_days(cast(7 * p50_weeks as integer)) as date) as p50_date,
        cast(as_of_date + to_days(cast(7 * p85_weeks as integer)) as date) as p85_date,
        cast(as_of_date + to_days(cast(7 * p95_weeks as integer)) as date) as p95_date
    from simulations
)

select
    as_of_date,
    subject_type,
    subject_key,
    project_key,
    scope_basis,
    remaining_scope,
    unestimated_issues,
    sample_source,
    sampled_weeks,
    mean_weekly_throughput,
    trials,
    p50_date,
    p85_date,
    p95_date,
    target_date,
    target_source,
    100.0 * probability_by_target as probability_by_target_pct,
    date_diff(
        'day',
        max(p85_date) over (
            partition by subject_type, subject_key, scope_basis
            order by as_of_date
            range between interval 7 day preceding and interval 7 day preceding
        ),
        p85_date
    ) as p85_change_days,
    no_forecast_reason
from dated
