-- Satisfaction (CSAT) per PMO service and survey wave, suppressed below the anonymity threshold.
with satisfaction as (
    select * from {{ ref('int_survey__service_ratings') }}
    where dimension = 'satisfaction'
),

per_cell as (
    select
        service_id,
        any_value(service_name) as service_name,
        wave,
        count(distinct response_id) as responses,
        avg(score) as csat_mean,
        100.0 * {{ count_top_box('score') }} / count(score) as csat_pct_4_plus
    from satisfaction
    group by service_id, wave
)

select
    service_id,
    service_name,
    wave,
    responses,
    {{ is_small_cell('responses') }} as is_suppressed,
    {{ suppress_small_cell('csat_mean', 'responses') }} as csat_mean,
    {{ suppress_small_cell('csat_pct_4_plus', 'responses') }} as csat_pct_4_plus
from per_cell
