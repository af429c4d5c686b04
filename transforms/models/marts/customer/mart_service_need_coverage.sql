-- One PMO service of the catalogue with the recorded needs it addresses; flags services that
-- address no recorded need.
with services as (
    select * from {{ ref('stg_spreadsheets__service_catalogue') }}
),

links as (
    select * from {{ ref('int_pmo__need_services') }}
)

select
    services.service_id,
    services.service_name,
    services.value_ring_function,
    services.is_active,
    count(distinct links.need_id) as needs_addressed,
    count(distinct links.need_id) = 0 as addresses_no_need
from services
left join links on services.service_id = links.service_id
group by
    services.service_id,
    services.service_name,
    services.value_ring_function,
    services.is_active
