{#- Incremental models keyed by issue recompute only the issues whose raw issue row arrived
    in a dlt load newer than the newest load the model has seen (its max(source_load_id));
    dlt load ids increase with time, and the Jira connector reloads a changed issue's whole
    changelog in the same load as the issue (changelog rows may come without _dlt_load_id,
    as arrow tables do). -#}
{% macro is_changed_issue(issue_id_column) -%}
    {%- if is_incremental() -%}
    {{ issue_id_column }} in (
        select issue_id from {{ ref('stg_jira__issues') }}
        where load_id > (select coalesce(max(source_load_id), '') from {{ this }})
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- The newest dlt load of the raw issues, stored on every row the incremental models write. -#}
{% macro issue_source_load_id() -%}
    (select max(load_id) from {{ ref('stg_jira__issues') }})
{%- endmacro %}

{#- Post-hook of the incremental issue models: drop rows of issues deleted in Jira (the
    connector hard-deletes them from the raw tables), which delete+insert alone would keep. -#}
{% macro delete_vanished_issues() -%}
    delete from {{ this }} as kept
    where not exists (
        select 1 from {{ ref('stg_jira__issues') }} as issues
        where issues.issue_id = kept.issue_id
    )
{%- endmacro %}
