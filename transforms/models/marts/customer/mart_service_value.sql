-- Satisfaction and perceived value per PMO service × stakeholder group × survey wave, with
-- 95% confidence intervals, response rate and small-cell suppression.
with ratings as (
    select * from {{ ref('int_survey__service_ratings') }}
),

invitations as (
    select * from {{ ref('survey_invitations') }}
),

per_cell as (
    select
        service_id,
        any_value(service_name) as service_name,
        bool_and(is_catalogued_service) as is_catalogued_service,
        stakeholder_group,
        wave,
        count(distinct response_id) as respondents,
        count(case when dimension = 'satisfaction' then 1 end) as satisfaction_n,
        avg(case when dimension = 'satisfaction' then score end) as csat_mean,
        stddev_samp(case when dimension = 'satisfaction' then score end) as csat_sd,
        100.0 * {{ count_top_box("case when dimension = 'satisfaction' then score end") }}
            / nullif(count(case when dimension = 'satisfaction' then 1 end), 0) as csat_pct_4_plus,
        count(case when dimension = 'value' then 1 end) as value_n,
        100.0 * (avg(case when dimension = 'value' then score end) - 1) / 4 as value_index,
        100.0 * stddev_samp(case when dimension = 'value' then score end) / 4 as value_index_sd
    from ratings
    group by service_id, stakeholder_group, wave
),

with_intervals as (
    select
        *,
        {{ var('ci_z') }} * csat_sd / sqrt(satisfaction_n) as csat_margin,
        {{ var('ci_z') }} * value_index_sd / sqrt(value_n) as value_index_margin
    from per_cell
)

select
    with_intervals.service_id,
    with_intervals.service_name,
    with_intervals.is_catalogued_service,
    with_intervals.stakeholder_group,
    with_intervals.wave,
    with_intervals.respondents,
    {{ is_small_cell('with_intervals.respondents') }} as is_suppressed,
    with_intervals.satisfaction_n,
    {{ suppress_small_cell('csat_mean', 'satisfaction_n') }} as csat_mean,
    {{ suppress_small_cell('csat_mean - csat_margin', 'satisfaction_n') }} as csat_ci95_low,
    {{ suppress_small_cell('csat_mean + csat_margin', 'satisfaction_n') }} as csat_ci95_high,
    {{ suppress_small_cell('csat_pct_4_plus', 'satisfaction_n') }} as csat_pct_4_plus,
    with_intervals.value_n,
    {{ suppress_small_cell('value_index', 'value_n') }} as value_index,
    {{ suppress_small_cell('value_index - value_index_margin', 'value_n') }}
        as value_index_ci95_low,
    {{ suppress_small_cell('value_index + value_index_margin', 'value_n') }}
        as value_index_ci95_high,
    invitations.invited,
    100.0 * with_intervals.respondents / nullif(invitations.invited, 0) as response_rate_pct
from with_intervals
left join invitations
    on with_intervals.wave = invitations.wave
    and with_intervals.stakeholder_group = invitations.stakeholder_group
