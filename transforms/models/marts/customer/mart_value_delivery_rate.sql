-- Value delivery rate per survey wave, classified against the high/low performer benchmark.
with responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
    where overall_value is not null
),

waves as (
    select * from {{ ref('int_survey__waves') }}
),

quarantined as (
    select wave, count(*) as answers_quarantined
    from {{ ref('int_survey__quarantined_answers') }}
    where field = 'overall_value'
    group by wave
),

per_wave as (
    select
        wave,
        count(*) as respondents,
        {{ count_top_box('overall_value') }} as respondents_4_plus
    from responses
    group by wave
),

rated as (
    select
        *,
        {{ suppress_small_cell('100.0 * respondents_4_plus / respondents', 'respondents') }}
            as value_delivery_rate_pct
    from per_wave
)

select
    rated.wave,
    waves.quarter_start,
    rated.respondents,
    {{ is_small_cell('rated.respondents') }} as is_suppressed,
    {{ suppress_small_cell('rated.respondents_4_plus', 'rated.respondents') }}
        as respondents_4_plus,
    rated.value_delivery_rate_pct,
    {{ var('value_delivery_high_performer_pct') }} as high_performer_benchmark_pct,
    {{ var('value_delivery_low_performer_pct') }} as low_performer_benchmark_pct,
    {{ benchmark_class('rated.value_delivery_rate_pct') }} as benchmark_class,
    coalesce(quarantined.answers_quarantined, 0) as answers_quarantined
from rated
left join waves on rated.wave = waves.wave
left join quarantined on rated.wave = quarantined.wave
