with source as (
    select * from {{ source('raw_spreadsheets', 'maturity_assessments') }}
)

select
    assessed_on,
    domain,
    cast(level as integer) as maturity_level,
    cast(target_level as integer) as target_level,
    assessor,
    evidence
from source
