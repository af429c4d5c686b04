-- How many projects of the register are red, amber and green: each project's label read
-- through the seed (int_portfolio__rag_labels), as every portfolio model reads it.
with register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

rag_labels as (
    select * from {{ ref('int_portfolio__rag_labels') }}
)

select
    coalesce(rag_labels.rag, 'unrated') as rag,
    count(*) as projects,
    100.0 * count(*) / sum(count(*)) over () as projects_pct
from register
left join rag_labels on register.rag_label = rag_labels.rag_label
group by 1
