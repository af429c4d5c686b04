-- One live sheet summary field (project status, budget, ...) with the column map role it fills.
with source as (
    select * from {{ optional_source('raw_smartsheet', 'summary_fields', {
        'sheet_id': 'bigint', 'field_id': 'bigint', 'title': 'varchar', 'type': 'varchar',
        'role': 'varchar', 'value': 'varchar', 'number_value': 'double',
        'modified_at': 'timestamptz', 'is_deleted': 'boolean',
    }) }}
)

select
    cast(sheet_id as varchar) as sheet_id,
    cast(field_id as varchar) as field_id,
    title as field_title,
    type as field_type,
    role,
    nullif(trim(value), '') as field_value,
    cast(number_value as double) as number_value,
    modified_at at time zone 'UTC' as modified_at
from source
where not coalesce(is_deleted, false)
