{#- Whether an issue is a defect, for the bug share: by type id (language-free but
    site-specific, var bug_issue_type_ids) or by name, which Jira translates into the site's
    language (var bug_issue_types lists the common translations), case-insensitively.
    `issue_type_id` is an expression rendered only when type ids are configured: the var
    applies on every read of stg_jira__issues and int_jira__issue_lifecycle (views), never
    stored. -#}
{% macro is_bug_issue_type(issue_type, issue_type_id) -%}
    coalesce(
        lower({{ issue_type }}) in (
            {%- for name in var('bug_issue_types') %}
            lower('{{ name | replace("'", "''") }}'){{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- if var('bug_issue_type_ids') %}
        or {{ issue_type_id }} in (
            {%- for type_id in var('bug_issue_type_ids') %}
            '{{ type_id }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- endif %},
        false
    )
{%- endmacro %}
