with source as (
    select * from {{ optional_source('raw_jira', 'sprints', {
        'id': 'bigint', 'board_id': 'bigint', 'name': 'varchar', 'state': 'varchar',
        'start_date': 'timestamptz', 'end_date': 'timestamptz', 'complete_date': 'timestamptz',
        'goal': 'varchar',
    }) }}
)

select
    cast(id as varchar) as sprint_id,
    cast(board_id as varchar) as board_id,
    name as sprint_name,
    lower(state) as sprint_state,
    start_date at time zone 'UTC' as started_at,
    end_date at time zone 'UTC' as planned_end_at,
    complete_date at time zone 'UTC' as completed_at,
    goal as sprint_goal
from source
