-- One change of a tracked Smartsheet cell (finish, baseline, start, status) of a project's
-- plan item: a history entry whose value differs from the entry before it. The first entry
-- of a cell is its creation, not a change.
with history as (
    select * from {{ ref('stg_smartsheet__cell_history') }}
),

items as (
    select * from {{ ref('int_portfolio__project_plan_items') }}
    where source_system = 'smartsheet'
),

sequenced as (
    select
        items.project_key,
        items.plan_item_id,
        items.is_milestone,
        history.role,
        history.changed_at,
        lag(history.cell_value) over cell as from_value,
        history.cell_value as to_value,
        row_number() over cell as entry_number
    from history
    inner join items on history.row_id = items.plan_item_id
    window cell as (
        partition by history.row_id, history.column_id order by history.changed_at
    )
)

select
    project_key,
    plan_item_id,
    is_milestone,
    role,
    case
        when role like 'baseline%' then 'baseline'
        when role = 'status' then 'status'
        else 'schedule'
    end as change_kind,
    changed_at,
    from_value,
    to_value
from sequenced
where entry_number > 1 and from_value is distinct from to_value
