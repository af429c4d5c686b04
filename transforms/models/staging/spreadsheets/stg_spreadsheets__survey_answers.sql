with source as (
    select * from {{ source('raw_spreadsheets', 'survey_answers') }}
)

select
    response_id,
    service_id,
    lower(trim(dimension)) as dimension,
    cast(score as integer) as score
from source
