with source as (
    select * from {{ optional_source('raw_jira', 'boards', {
        'id': 'bigint', 'name': 'varchar', 'type': 'varchar', 'project_id': 'varchar',
        'project_key': 'varchar',
    }) }}
)

select
    cast(id as varchar) as board_id,
    name as board_name,
    type as board_type,
    project_id,
    project_key
from source
