{#- Incremental models rebuild in full, by themselves, when their definition changed since the
    table was built: an upgraded release's new columns, fixed logic or new seeds then reach
    the rows built before it, with no hand-run --full-refresh. A model's version hashes its
    SQL, config, declared columns and macros, and the versions of the models and seeds it
    reads, so a change upstream rebuilds every incremental model after it. Each build records
    its model's version (post-hook in dbt_project.yml); a table without a recorded version
    (built by a release before this one) is rebuilt once. -#}

{% macro model_versions_table() -%}
    {{ target.database }}.{{ target.schema }}.dbt_model_versions
{%- endmacro %}


{#- dbt's own should_full_refresh (which is_incremental() and the incremental
    materialization call), plus the version check when neither the model nor the command
    decides. -#}
{% macro should_full_refresh() %}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is not none -%}
        {{ return(configured) }}
    {%- endif -%}
    {{ return(flags.FULL_REFRESH or model_version_changed()) }}
{% endmacro %}


{% macro model_version_changed() %}
    {%- if not execute or model.config.materialized != 'incremental'
        or model.unique_id not in graph.nodes -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set recorded = run_query(
        "select version from " ~ model_versions_table()
        ~ " where model = '" ~ model.unique_id ~ "'"
    ) -%}
    {{ return(recorded.rows | length == 0 or recorded.rows[0][0] != model_version(model.unique_id)) }}
{% endmacro %}


{#- memo: the versions already computed in this call, by unique id, so that a node many paths
    reach upstream is hashed once. -#}
{% macro model_version(unique_id, memo=none) %}
    {%- set versions = {} if memo is none else memo -%}
    {%- if unique_id in versions -%}
        {{ return(versions[unique_id]) }}
    {%- endif -%}
    {%- set node = graph.nodes[unique_id] -%}
    {%- set parts = [node.checksum.checksum, tojson(node.config, sort_keys=true), tojson(node.columns.keys() | sort | list)] -%}
    {%- for macro_id in node.depends_on.macros | sort -%}
        {%- do parts.append(macro_version(macro_id, versions)) -%}
    {%- endfor -%}
    {%- for parent_id in node.depends_on.nodes | sort if parent_id in graph.nodes -%}
        {%- do parts.append(model_version(parent_id, versions)) -%}
    {%- endfor -%}
    {%- set version = local_md5(parts | join('|')) -%}
    {%- do versions.update({unique_id: version}) -%}
    {{ return(version) }}
{% endmacro %}


{#- A project macro's version: its SQL and the versions of the project macros it calls
    (dbt's own macros count by name: they change with the dbt version, not with this code). -#}
{% macro macro_version(macro_id, memo=none) %}
    {%- set prefix = 'macro.' ~ project_name ~ '.' -%}
    {%- if not macro_id.startswith(prefix) -%}
        {{ return(macro_id) }}
    {%- endif -%}
    {%- set versions = {} if memo is none else memo -%}
    {%- if macro_id in versions -%}
        {{ return(versions[macro_id]) }}
    {%- endif -%}
    {%- set macro = context[macro_id[prefix | length:]].macro -%}
    {%- set parts = [macro.macro_sql] -%}
    {%- for called_id in macro.depends_on.macros | sort if called_id != macro_id -%}
        {%- do parts.append(macro_version(called_id, versions)) -%}
    {%- endfor -%}
    {%- set version = local_md5(parts | join('|')) -%}
    {%- do versions.update({macro_id: version}) -%}
    {{ return(version) }}
{% endmacro %}


{% macro create_model_versions_table() %}
    create table if not exists {{ model_versions_table() }} (
        model varchar primary key,
        version varchar not null,
        recorded_at timestamptz not null
    )
{% endmacro %}


{% macro record_model_version() %}
    {%- if model.config.materialized != 'incremental' or model.unique_id not in graph.nodes -%}
        {{ return('') }}
    {%- endif -%}
    insert or replace into {{ model_versions_table() }}
    values ('{{ model.unique_id }}', '{{ model_version(model.unique_id) }}', now())
{% endmacro %}
