-- One live Smartsheet sheet in scope (tombstoned sheets filtered out).
with source as (
    select * from {{ optional_source('raw_smartsheet', 'sheets', {
        'sheet_id': 'bigint', 'name': 'varchar', 'version': 'bigint', 'column_map': 'varchar',
        'project_id': 'varchar', 'workspace_name': 'varchar', 'created_at': 'timestamptz',
        'modified_at': 'timestamptz', 'is_deleted': 'boolean',
    }) }}
)

select
    cast(sheet_id as varchar) as sheet_id,
    name as sheet_name,
    cast(version as bigint) as sheet_version,
    column_map,
    -- Summary and Resources sheets of a Project Online import hold no plan items.
    coalesce(column_map, '') != 'project_online_reference' as is_plan_sheet,
    nullif(trim(project_id), '') as source_project_id,
    workspace_name,
    created_at at time zone 'UTC' as created_at,
    modified_at at time zone 'UTC' as modified_at
from source
where not coalesce(is_deleted, false)
