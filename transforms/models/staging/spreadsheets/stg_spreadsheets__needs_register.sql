with source as (
    select * from {{ source('raw_spreadsheets', 'needs_register') }}
)

select
    need_id,
    customer_group,
    need,
    priority,
    service_ids
from source
