-- PMO maturity per assessment and domain: level, target, gap and change since the last assessment.
with assessments as (
    select * from {{ ref('stg_spreadsheets__maturity_assessments') }}
),

with_previous as (
    select
        *,
        lag(assessed_on) over (partition by domain order by assessed_on) as previous_assessed_on,
        lag(maturity_level) over (partition by domain order by assessed_on) as previous_level
    from assessments
)

select
    assessed_on,
    domain,
    maturity_level,
    target_level,
    target_level - maturity_level as gap_to_target,
    previous_assessed_on,
    previous_level,
    maturity_level - previous_level as level_change
from with_previous
