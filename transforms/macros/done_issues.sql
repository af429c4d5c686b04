{#- The issues the delivery KPIs count as done work, as a subquery of int_jira__issue_lifecycle:
    those that reached a done status, sub-tasks left out (their parent carries the work). A
    macro rather than a model, so that a rebuild runs no extra node for a filter. -#}
{% macro done_issues() -%}
    (
        select * from {{ ref('int_jira__issue_lifecycle') }}
        where first_done_at is not null
            and not is_subtask
    )
{%- endmacro %}
