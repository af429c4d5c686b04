{#- Marts aggregated by Jira project and period rebuild only the partitions that changed.
    int_jira__issue_versions records, for every changed or deleted issue, its partition keys
    and those of its previous version; a mart rebuilds the partitions under both keys of the
    versions newer than it has seen (its max(source_version_at)). Partitions left empty are
    written as marker rows without source_version_at, so that delete+insert removes their old
    rows, and the post-hook then deletes the markers. -#}

{#- Config of a mart partitioned by (project_id, <period>_start). -#}
{% macro project_period_partitions(period) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': ['project_id', period ~ '_start'],
        'post_hook': '{{ delete_vacated_partitions() }}',
    }) }}
{%- endmacro %}

{#- The first day of the period of an issue's first move to done: the marts' partition. -#}
{% macro done_period_start(period, done_at='first_done_at') -%}
    cast(date_trunc('{{ period }}', {{ done_at }}) as date)
{%- endmacro %}

{#- The newest issue version, stored on every row a partitioned mart writes. -#}
{% macro issue_version_at() -%}
    (select max(recorded_at) from {{ ref('int_jira__issue_versions') }})
{%- endmacro %}

{#- The issue versions newer than the mart has seen (a from clause). -#}
{% macro newer_issue_versions() -%}
    from {{ ref('int_jira__issue_versions') }}
    where recorded_at > (
        select coalesce(max(source_version_at), timestamptz '1900-01-01 00:00:00+00')
        from {{ this }}
    )
{%- endmacro %}

{#- The partition keys to rebuild: those of the issue versions newer than the mart has seen,
    and those of the versions before them (what the mart last aggregated the issues under). -#}
{% macro changed_partition_keys() -%}
    {%- set newer_versions = newer_issue_versions() -%}
    select issue_id, project_id, first_done_at, in_progress_from, in_progress_to
    {{ newer_versions }}
    union all
    select
        issue_id,
        previous_project_id,
        previous_first_done_at,
        previous_in_progress_from,
        previous_in_progress_to
    {{ newer_versions }}
{%- endmacro %}

{#- The (partition_project_id, partition_start) to rebuild in a mart of issues by period of
    their first move to done; none on a full build, which rebuilds everything. -#}
{% macro changed_done_partitions(period) -%}
    {%- if is_incremental() -%}
    select distinct
        project_id as partition_project_id,
        {{ done_period_start(period) }} as partition_start
    from ({{ changed_partition_keys() }}) as versions
    where first_done_at is not null
    {%- else -%}
    select cast(null as varchar) as partition_project_id, cast(null as date) as partition_start
    where false
    {%- endif -%}
{%- endmacro %}

{#- Keeps the rows of the partitions in the CTE changed_partitions (all rows on a full build):
    a join, not a correlated exists, which DuckDB would plan as a grouping of every row. Its
    columns have their own names, so that the row's columns need no qualification. -#}
{% macro join_changed_partitions(project_id, partition_start) -%}
    {%- if is_incremental() -%}
    inner join changed_partitions
        on changed_partitions.partition_project_id = {{ project_id }}
        and changed_partitions.partition_start = {{ partition_start }}
    {%- endif -%}
{%- endmacro %}

{#- The lifecycle of done issues (sub-tasks left out) whose (project, period) partition of
    their first done this build rebuilds: what every partitioned delivery mart aggregates. -#}
{% macro done_issues_in_changed_partitions(period) -%}
    select lifecycle.*
    from {{ ref('int_jira__issue_lifecycle') }} as lifecycle
    {{ join_changed_partitions(
        'lifecycle.project_id', done_period_start(period, 'lifecycle.first_done_at')
    ) }}
    where lifecycle.first_done_at is not null
        and not lifecycle.is_subtask
{%- endmacro %}

{#- Marker rows for the changed partitions that `rebuilt` (a CTE) no longer has. -#}
{% macro vacated_partitions(rebuilt, period) -%}
    {%- if is_incremental() %}
union all by name
select
    partition_project_id as project_id,
    partition_start as {{ period }}_start
from changed_partitions
where not exists (
    select 1 from {{ rebuilt }}
    where {{ rebuilt }}.project_id = changed_partitions.partition_project_id
        and {{ rebuilt }}.{{ period }}_start = changed_partitions.partition_start
)
    {%- endif %}
{%- endmacro %}

{#- Post-hook of the partitioned marts: drop the marker rows of vacated partitions. -#}
{% macro delete_vacated_partitions() -%}
    delete from {{ this }} where source_version_at is null
{%- endmacro %}
