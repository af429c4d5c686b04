-- One PMO service of the catalogue with the recorded needs it addresses; flags services that
-- address no recorded need. Both null (unknown, not 0) until the needs register has landed.
with services as (
    select * from {{ ref('stg_spreadsheets__service_catalogue') }}
),

links as (
    select * from {{ ref('int_pmo__need_services') }}
),

needs_register as (
    select count(*) > 0 as has_landed from {{ ref('stg_spreadsheets__needs_register') }}
)

select
    services.service_id,
    services.service_name,
    services.value_ring_function,
    services.is_active,
    case when any_value(needs_register.has_landed) then count(distinct links.need_id) end
        as needs_addressed,
    case when any_value(needs_register.has_landed) then count(distinct links.need_id) = 0 end
        as addresses_no_need
from services
cross join needs_register
left join links on services.service_id = links.service_id
group by
    services.service_id,
    services.service_name,
    services.value_ring_function,
    services.is_active
