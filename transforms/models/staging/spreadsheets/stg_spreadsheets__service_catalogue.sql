with source as (
    select * from {{ source('raw_spreadsheets', 'service_catalogue') }}
)

select
    service_id,
    service_name,
    value_ring_function,
    customer_groups,
    owner as service_owner,
    start_date,
    coalesce(start_date <= current_date, true) as is_active,
    cast(target_satisfaction as double) as target_satisfaction
from source
