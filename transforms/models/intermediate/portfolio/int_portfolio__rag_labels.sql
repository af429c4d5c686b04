-- Every status label the portfolio sources hold - a plan item's status, its status cell
-- history, a plan sheet's summary status, the register's RAG - read through the seed
-- portfolio_rag_labels: the one place a label becomes red, amber, green or unrated. A label
-- the seed does not list is 'unknown', never another RAG; a WARN check names it and where it
-- was seen, and the marts flag what rests on it.
with seed as (
    select lower(trim(label)) as label, min(rag) as rag
    from {{ ref('portfolio_rag_labels') }}
    group by 1
),

seen as (
    select status_label as rag_label, 'plan item status' as seen_in, sheet_id
    from {{ ref('stg_smartsheet__rows') }}
    where status_label is not null
    union all
    select cell_value, 'status history', sheet_id
    from {{ ref('stg_smartsheet__cell_history') }}
    where role = 'status' and cell_value is not null
    union all
    select field_value, 'sheet summary status', sheet_id
    from {{ ref('stg_smartsheet__summary_fields') }}
    where role = 'status' and field_value is not null
    union all
    select rag_label, 'project register', null
    from {{ ref('stg_spreadsheets__project_register') }}
    where rag_label is not null
)

select
    seen.rag_label,
    coalesce(any_value(seed.rag), 'unknown') as rag,
    string_agg(distinct seen.seen_in, ', ' order by seen.seen_in) as seen_in,
    count(*) as occurrences,
    list_slice(list_sort(list_distinct(list(seen.sheet_id))), 1, 20) as sheet_ids_sample
from seen
left join seed on lower(trim(seen.rag_label)) = seed.label
group by seen.rag_label
