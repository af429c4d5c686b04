-- One span during which a Smartsheet plan item held one status, from its status cell history
-- (valid_to null: still current). A history value the connector could not read as a RAG
-- symbol counts as 'unknown', never as green.
with history as (
    select * from {{ ref('stg_smartsheet__cell_history') }}
    where role = 'status'
),

items as (
    select * from {{ ref('int_portfolio__project_plan_items') }}
    where source_system = 'smartsheet'
),

rag_labels as (
    select lower(trim(label)) as label, rag from {{ ref('portfolio_rag_labels') }}
)

select
    items.project_key,
    items.plan_item_id,
    history.cell_value as rag_label,
    coalesce(rag_labels.rag, 'unknown') as rag,
    history.changed_at as valid_from,
    lead(history.changed_at) over (
        partition by history.row_id, history.column_id order by history.changed_at
    ) as valid_to
from history
inner join items on history.row_id = items.plan_item_id
left join rag_labels on lower(trim(history.cell_value)) = rag_labels.label
