-- One live row (phase, task or milestone) of a Smartsheet sheet, cells as the column map read
-- them; % complete kept as loaded (0-1 when readable) so the intermediate layer can flag
-- values outside 0-1 instead of losing them.
with source as (
    select * from {{ optional_source('raw_smartsheet', 'rows', {
        'row_id': 'bigint', 'sheet_id': 'bigint', 'parent_row_id': 'bigint',
        'row_number': 'bigint', 'project_id': 'varchar', 'task_name': 'varchar',
        'start_date': 'date', 'finish_date': 'date', 'baseline_start': 'date',
        'baseline_finish': 'date', 'duration_days': 'double', 'percent_complete': 'double',
        'status': 'varchar', 'rag': 'varchar', 'is_milestone': 'boolean', 'budget': 'double',
        'actual_cost': 'double', 'created_at': 'timestamptz', 'modified_at': 'timestamptz',
        'is_deleted': 'boolean',
    }) }}
)

select
    cast(row_id as varchar) as row_id,
    cast(sheet_id as varchar) as sheet_id,
    cast(parent_row_id as varchar) as parent_row_id,
    cast(row_number as integer) as row_number,
    nullif(trim(project_id), '') as source_project_id,
    task_name,
    cast(start_date as date) as start_date,
    cast(finish_date as date) as finish_date,
    cast(baseline_start as date) as baseline_start,
    cast(baseline_finish as date) as baseline_finish,
    cast(duration_days as double) as duration_days,
    cast(percent_complete as double) as percent_complete,
    nullif(trim(status), '') as status_label,
    cast(is_milestone as boolean) as is_milestone,
    cast(budget as double) as budget,
    cast(actual_cost as double) as actual_cost,
    created_at at time zone 'UTC' as created_at,
    modified_at at time zone 'UTC' as modified_at
from source
where not coalesce(is_deleted, false)
