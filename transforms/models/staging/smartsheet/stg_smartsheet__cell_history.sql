-- One value a mapped date or status cell held from a moment on (its history, oldest first).
with source as (
    select * from {{ optional_source('raw_smartsheet', 'cell_history', {
        'row_id': 'bigint', 'sheet_id': 'bigint', 'column_id': 'bigint', 'role': 'varchar',
        'value': 'varchar', 'modified_at': 'timestamptz', 'is_deleted': 'boolean',
    }) }}
)

select
    cast(row_id as varchar) as row_id,
    cast(sheet_id as varchar) as sheet_id,
    cast(column_id as varchar) as column_id,
    role,
    nullif(trim(value), '') as cell_value,
    -- Date roles hold YYYY-MM-DD; anything else (a status) gives null here.
    case when role in ('start', 'finish', 'baseline_start', 'baseline_finish')
        then try_cast(left(value, 10) as date) end as date_value,
    modified_at at time zone 'UTC' as changed_at
from source
where not coalesce(is_deleted, false)
