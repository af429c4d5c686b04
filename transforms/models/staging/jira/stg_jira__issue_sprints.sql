with source as (
    select * from {{ optional_source('raw_jira', 'issue_sprints', {
        'issue_id': 'varchar', 'sprint_id': 'bigint', 'issue_key': 'varchar',
        'is_deleted': 'boolean',
    }) }}
)

select
    issue_id,
    cast(sprint_id as varchar) as sprint_id,
    issue_key
from source
where not coalesce(is_deleted, false)
