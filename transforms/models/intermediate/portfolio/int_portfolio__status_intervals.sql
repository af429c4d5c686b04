-- One span during which a Smartsheet plan item held one status, from its status cell history
-- (valid_to null: still current). The history holds the label as shown (a RYG symbol name or a
-- picklist word such as 'Rot'), read through int_portfolio__rag_labels like the current
-- status: a label the seed does not list is 'unknown', never green; a cleared cell unrated.
with history as (
    select * from {{ ref('stg_smartsheet__cell_history') }}
    where role = 'status'
),

items as (
    select * from {{ ref('int_portfolio__project_plan_items') }}
    where source_system = 'smartsheet'
),

rag_labels as (
    select * from {{ ref('int_portfolio__rag_labels') }}
)

select
    items.project_key,
    items.plan_item_id,
    history.cell_value as rag_label,
    coalesce(rag_labels.rag, 'unrated') as rag,
    history.changed_at as valid_from,
    lead(history.changed_at) over (
        partition by history.row_id, history.column_id order by history.changed_at
    ) as valid_to
from history
inner join items on history.row_id = items.plan_item_id
left join rag_labels on history.cell_value = rag_labels.rag_label
