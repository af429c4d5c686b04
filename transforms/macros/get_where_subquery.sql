{#- The rows a data test checks (dbt's `where` config), with one placeholder resolved when the
    test runs: `__written_by_the_last_build__` keeps the rows of an incremental issue model
    that its newest build wrote (they all carry the same source_load_id; on a full build that
    is every row). Older rows were checked by the builds that wrote them, and delete+insert
    replaces an issue's rows together, so a key test on the rebuilt issues stays meaningful
    and no longer scans millions of unchanged rows after every load. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set last_build -%}
        source_load_id is not distinct from (select max(source_load_id) from {{ relation }})
    {%- endset -%}
    {%- set where = where | replace('__written_by_the_last_build__', last_build) -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
{%- endmacro %}
