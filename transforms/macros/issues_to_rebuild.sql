{#- Filter (a where clause on stg_jira__issues) of the incremental models that carry status
    categories (int_jira__status_interval_history, int_jira__issue_history): the issues
    loaded since the model's last build (macros/issues_loaded_since_last_build.sql) and the
    issues whose rows were built with another version of the status dimension (a status
    recategorised, a waiting flag changed, a status added): their categories, milestones and
    flow times are recomputed from the history on the next build. Tombstoned issues are not in
    stg_jira__issues, so their rows (marked deleted in the issue history), unread downstream,
    are never picked again. -#}
{% macro issues_to_rebuild() -%}
    {%- if is_incremental() -%}
    (
        {{ issues_loaded_since_last_build() }}
        or issue_id in (
            select issue_id from {{ this }}
            where statuses_version is distinct from {{ status_dimension_version() }}
        )
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- The version of the status dimension (int_jira__statuses) that categorised rows depend on:
    a digest of every status id with its statusCategory and waiting flag (names left out). A
    scalar subquery. -#}
{% macro status_dimension_version() -%}
    (
        select md5(string_agg(
            status_id || '=' || coalesce(status_category_key, '?')
                || case when is_waiting then '/waiting' else '' end,
            ',' order by status_id
        ))
        from {{ ref('int_jira__statuses') }}
    )
{%- endmacro %}
