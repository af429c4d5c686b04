with source as (
    select
        *,
        -- Language-free, unlike the type's name; read from the issue's JSON only when selected.
        json_extract_string(raw, '$.fields.issuetype.id') as issue_type_id
    from {{ source('raw_jira', 'issues') }}
)

select
    id as issue_id,
    key as issue_key,
    project_id,
    project_key,
    summary,
    issue_type,
    coalesce(is_subtask, false) as is_subtask,
    issue_type_id,
    {{ is_bug_issue_type('issue_type', 'issue_type_id') }} as is_bug,
    status_id,
    status_name,
    lower(status_category_key) as status_category_key,
    priority,
    -- Instants as UTC wall time: as `at time zone 'UTC'` gives, without its conversion through
    -- ICU, which costs several times the CPU on every read of a million issues.
    make_timestamp(epoch_us(created)) as created_at,
    make_timestamp(epoch_us(updated)) as updated_at,
    make_timestamp(epoch_us(resolution_date)) as resolved_at,
    due_date,
    story_points,
    parent_key,
    labels,
    components,
    fix_versions,
    sprint_ids,
    assignee_account_id,
    reporter_account_id,
    -- When the row arrived: the cursor of the incremental status history (dlt load ids are
    -- the load's start, in epoch seconds).
    make_timestamp(epoch_us(to_timestamp(cast(_dlt_load_id as double)))) as loaded_at
from source
-- Tombstones of issues deleted in Jira (the connector's reconciliation).
where not coalesce(is_deleted, false)
