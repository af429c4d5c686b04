-- Satisfaction (CSAT) per PMO service and survey wave, suppressed below the anonymity threshold.
with satisfaction as (
    select * from {{ ref('int_survey__service_ratings') }}
    where dimension = 'satisfaction'
),

quarantined as (
    select service_id, wave, count(*) as answers_quarantined
    from {{ ref('int_survey__quarantined_answers') }}
    where dimension = 'satisfaction'
    group by service_id, wave
),

per_cell as (
    select
        service_id,
        any_value(service_name) as service_name,
        bool_and(is_catalogued_service) as is_catalogued_service,
        wave,
        count(distinct response_id) as responses,
        avg(score) as csat_mean,
        100.0 * {{ count_top_box('score') }} / count(score) as csat_pct_4_plus
    from satisfaction
    group by service_id, wave
)

select
    per_cell.service_id,
    per_cell.service_name,
    per_cell.is_catalogued_service,
    per_cell.wave,
    per_cell.responses,
    {{ is_small_cell('per_cell.responses') }} as is_suppressed,
    {{ suppress_small_cell('per_cell.csat_mean', 'per_cell.responses') }} as csat_mean,
    {{ suppress_small_cell('per_cell.csat_pct_4_plus', 'per_cell.responses') }} as csat_pct_4_plus,
    coalesce(quarantined.answers_quarantined, 0) as answers_quarantined
from per_cell
left join quarantined
    on per_cell.service_id = quarantined.service_id
    and per_cell.wave = quarantined.wave
