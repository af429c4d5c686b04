-- The quarterly PMO value scorecard: customer, delivery, strategy and capability KPIs, each
-- with its target and quarter-on-quarter change, a weighted composite and the benchmark class;
-- delivery_issues_with_unknown_status marks delivery KPIs computed with statuses of unknown
-- category, csat_ratings_of_uncatalogued_services a CSAT mean over ratings of services the
-- catalogue does not list (none landed yet). pillars_missing and missing_pillars say which
-- pillars the composite lacks (no KPI of the pillar available in the quarter: its inputs have
-- not landed, or say nothing).
-- The portfolio schedule (milestones due in the quarter by their baseline: on schedule, mean
-- slip) is shown beside the pillars, not in the composite.
{%- set pillars = ['customer', 'delivery', 'strategy', 'capability'] %}
{%- set targets = var('scorecard_targets') %}
{%- set weights = var('scorecard_weights') %}
{%- set kpis = [
    'value_delivery_rate_pct', 'csat_mean', 'nps', 'on_time_rate_pct',
    'sprint_predictability_pct', 'cycle_time_p50_days',
    'aligned_work_share_pct', 'benefits_realisation_pct', 'maturity_mean_level',
] %}

with waves as (
    select * from {{ ref('int_survey__waves') }}
),

responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
),

ratings as (
    select * from {{ ref('int_survey__service_ratings') }}
    where dimension = 'satisfaction'
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
),

sprints as (
    select * from {{ ref('mart_delivery_sprint_predictability') }}
),

alignment as (
    select * from {{ ref('mart_strategic_alignment_summary_quarterly') }}
),

register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

assessments as (
    select * from {{ ref('stg_spreadsheets__maturity_assessments') }}
),

milestones as (
    select * from {{ ref('mart_portfolio_milestone_slip') }}
    where has_baseline
),

data_quarters as (
    select quarter_start from waves
    union all
    select cast(date_trunc('quarter', first_done_at) as date) from lifecycle
    union all
    select cast(date_trunc('quarter', assessed_on) as date) from assessments
),

quarters as (
    select
        cast(unnest(generate_series(min(quarter_start), max(quarter_start), interval 3 month))
            as date) as quarter_start
    from data_quarters
),

customer_value as (
    select
        waves.quarter_start,
        count(responses.overall_value) as value_respondents,
        100.0 * {{ count_top_box('responses.overall_value') }}
            / nullif(count(responses.overall_value), 0) as value_delivery_rate_pct,
        count(responses.likelihood_to_recommend) as nps_respondents,
        100.0 * (
            {{ count_promoters('responses.likelihood_to_recommend') }}
            - {{ count_detractors('responses.likelihood_to_recommend') }}
        ) / nullif(count(responses.likelihood_to_recommend), 0) as nps
    from responses
    inner join waves on responses.wave = waves.wave
    group by waves.quarter_start
),

customer_csat as (
    select
        waves.quarter_start,
        count(distinct ratings.response_id) as csat_respondents,
        avg(ratings.score) as csat_mean,
        count(case when not ratings.is_catalogued_service then 1 end)
            as csat_ratings_of_uncatalogued_services
    from ratings
    inner join waves on ratings.wave = waves.wave
    group by waves.quarter_start
),

delivery as (
    select
        cast(date_trunc('quarter', first_done_at) as date) as quarter_start,
        100.0 * count(case when cast(first_done_at as date) <= due_date then 1 end)
            / nullif(count(due_date), 0) as on_time_rate_pct,
        round(percentile_cont(0.5) within group (order by cycle_time_days), 3)
            as cycle_time_p50_days,
        count(case when has_unknown_status then 1 end) as delivery_issues_with_unknown_status
    from lifecycle
    group by cast(date_trunc('quarter', first_done_at) as date)
),

predictability as (
    select
        cast(date_trunc('quarter', completed_at) as date) as quarter_start,
        100.0 * sum(completed_committed_issues) / nullif(sum(committed_issues), 0)
            as sprint_predictability_pct
    from sprints
    group by cast(date_trunc('quarter', completed_at) as date)
),

benefits as (
    select
        (select max(quarter_start) from quarters) as quarter_start,
        100.0 * sum(realised_benefits) / nullif(sum(planned_benefits), 0)
            as benefits_realisation_pct
    from register
),

schedule as (
    select
        cast(date_trunc('quarter', baseline_finish) as date) as quarter_start,
        count(*) as milestones_due,
        100.0 * count(*) filter (where slip_days <= 0) / count(*) as milestone_on_schedule_pct,
        avg(slip_days) as milestone_slip_mean_days
    from milestones
    group by cast(date_trunc('quarter', baseline_finish) as date)
),

latest_assessment as (
    select
        quarters.quarter_start,
        max(assessments.assessed_on) as assessed_on
    from quarters
    inner join assessments
        on assessments.assessed_on < cast(quarters.quarter_start + interval 3 month as date)
    group by quarters.quarter_start
),

capability as (
    select
        latest_assessment.quarter_start,
        avg(assessments.maturity_level) as maturity_mean_level,
        avg(assessments.target_level) as maturity_mean_target,
        avg(assessments.target_level - assessments.maturity_level) as maturity_mean_gap
    from latest_assessment
    inner join assessments on latest_assessment.assessed_on = assessments.assessed_on
    group by latest_assessment.quarter_start
),

kpis as (
    select
        quarters.quarter_start,
        {{ suppress_small_cell(
            'customer_value.value_delivery_rate_pct', 'customer_value.value_respondents'
        ) }} as value_delivery_rate_pct,
        {{ suppress_small_cell('customer_csat.csat_mean', 'customer_csat.csat_respondents') }}
            as csat_mean,
        {{ suppress_small_cell('customer_value.nps', 'customer_value.nps_respondents') }} as nps,
        delivery.on_time_rate_pct,
        predictability.sprint_predictability_pct,
        delivery.cycle_time_p50_days,
        coalesce(delivery.delivery_issues_with_unknown_status, 0)
            as delivery_issues_with_unknown_status,
        coalesce(customer_csat.csat_ratings_of_uncatalogued_services, 0)
            as csat_ratings_of_uncatalogued_services,
        alignment.aligned_work_share_pct,
        benefits.benefits_realisation_pct,
        capability.maturity_mean_level,
        capability.maturity_mean_target,
        capability.maturity_mean_gap,
        coalesce(schedule.milestones_due, 0) as milestones_due,
        schedule.milestone_on_schedule_pct,
        schedule.milestone_slip_mean_days
    from quarters
    left join customer_value on quarters.quarter_start = customer_value.quarter_start
    left join customer_csat on quarters.quarter_start = customer_csat.quarter_start
    left join delivery on quarters.quarter_start = delivery.quarter_start
    left join predictability on quarters.quarter_start = predictability.quarter_start
    left join alignment on quarters.quarter_start = alignment.quarter_start
    left join benefits on quarters.quarter_start = benefits.quarter_start
    left join capability on quarters.quarter_start = capability.quarter_start
    left join schedule on quarters.quarter_start = schedule.quarter_start
),

pillars as (
    select
        *,
        {{ mean_of_available([
            attainment('value_delivery_rate_pct', targets.value_delivery_rate_pct),
            attainment('csat_mean', targets.csat_mean),
            attainment('nps + 100', targets.nps + 100),
        ]) }} as customer_score,
        {{ mean_of_available([
            attainment('on_time_rate_pct', targets.on_time_rate_pct),
            attainment('sprint_predictability_pct', targets.sprint_predictability_pct),
            attainment('cycle_time_p50_days', targets.cycle_time_p50_days, lower_is_better=true),
        ]) }} as delivery_score,
        {{ mean_of_available([
            attainment('aligned_work_share_pct', targets.aligned_work_share_pct),
            attainment('benefits_realisation_pct', targets.benefits_realisation_pct),
        ]) }} as strategy_score,
        {{ attainment('maturity_mean_level', 'maturity_mean_target') }} as capability_score
    from kpis
)

select
    quarter_start,
{%- for kpi in kpis %}
    {{ kpi }},
    {%- if kpi in targets %}
    {{ targets[kpi] }} as {{ kpi }}_target,
    {%- endif %}
    {{ kpi }} - lag({{ kpi }}) over (order by quarter_start) as {{ kpi }}_qoq_change,
{%- endfor %}
    maturity_mean_target,
    maturity_mean_gap,
    delivery_issues_with_unknown_status,
    csat_ratings_of_uncatalogued_services,
    milestones_due,
    milestone_on_schedule_pct,
    milestone_slip_mean_days,
    100.0 * customer_score as customer_score,
    100.0 * delivery_score as delivery_score,
    100.0 * strategy_score as strategy_score,
    100.0 * capability_score as capability_score,
    100.0 * {{ mean_of_available(
        ['customer_score', 'delivery_score', 'strategy_score', 'capability_score'],
        [weights.customer, weights.delivery, weights.strategy, weights.capability],
    ) }} as composite_score,
    {% for pillar in pillars -%}
        cast({{ pillar }}_score is null as integer){{ ' + ' if not loop.last }}
    {%- endfor %} as pillars_missing,
    nullif(concat_ws(', ', {% for pillar in pillars -%}
        case when {{ pillar }}_score is null then '{{ pillar }}' end{{ ', ' if not loop.last }}
    {%- endfor %}), '') as missing_pillars,
    {{ benchmark_class('value_delivery_rate_pct') }} as benchmark_class
from pillars
