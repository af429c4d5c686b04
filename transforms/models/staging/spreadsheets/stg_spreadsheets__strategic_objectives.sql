with source as (
    select * from {{ source('raw_spreadsheets', 'strategic_objectives') }}
)

select
    objective_id,
    objective_name,
    cast(weight as double) as weight
from source
