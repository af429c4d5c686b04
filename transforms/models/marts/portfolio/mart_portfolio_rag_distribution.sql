-- How many projects of the register are red, amber and green.
with register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
)

select
    rag,
    count(*) as projects,
    100.0 * count(*) / sum(count(*)) over () as projects_pct
from register
group by rag
