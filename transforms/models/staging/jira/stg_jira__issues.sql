with source as (
    select * from {{ source('raw_jira', 'issues') }}
)

select
    id as issue_id,
    key as issue_key,
    project_id,
    project_key,
    summary,
    issue_type,
    coalesce(is_subtask, false) as is_subtask,
    lower(issue_type) in (
        {%- for issue_type in var('bug_issue_types') %}
        lower('{{ issue_type }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as is_bug,
    status_id,
    status_name,
    lower(status_category_key) as status_category_key,
    priority,
    created at time zone 'UTC' as created_at,
    updated at time zone 'UTC' as updated_at,
    resolution_date at time zone 'UTC' as resolved_at,
    due_date,
    story_points,
    parent_key,
    labels,
    components,
    fix_versions,
    sprint_ids,
    assignee_account_id,
    reporter_account_id,
    _dlt_load_id as load_id
from source
