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
    -- A defect for the bug share: by type id (language-free but site-specific, var
    -- bug_issue_type_ids) or by name, which Jira translates into the site's language (var
    -- bug_issue_types lists the common translations), case-insensitively.
    coalesce(
        lower(issue_type) in (
            {%- for name in var('bug_issue_types') %}
            lower('{{ name | replace("'", "''") }}'){{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- if var('bug_issue_type_ids') %}
        or json_extract_string(raw, '$.fields.issuetype.id') in (
            {%- for type_id in var('bug_issue_type_ids') %}
            '{{ type_id }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- endif %},
        false
    ) as is_bug,
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
