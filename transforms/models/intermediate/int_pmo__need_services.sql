-- One (need, service) link from the needs register's ';'-separated service list, with
-- whether the service exists in the catalogue and is active at build time.
with needs as (
    select * from {{ ref('stg_spreadsheets__needs_register') }}
),

services as (
    select * from {{ ref('stg_spreadsheets__service_catalogue') }}
),

links as (
    select
        need_id,
        trim(unnest(string_split(service_ids, ';'))) as service_id
    from needs
)

select
    links.need_id,
    links.service_id,
    services.service_id is not null as is_in_catalogue,
    coalesce(services.is_active, false) as is_active_service
from links
left join services on links.service_id = services.service_id
where links.service_id <> ''
