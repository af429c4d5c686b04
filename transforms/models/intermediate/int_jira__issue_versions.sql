-- One version of an issue's partition keys in the marts (project, first move to done, time in
-- progress or in a status of unknown category: the WIP mart counts both), appended on every build in which the issue changed or vanished from Jira, with
-- the keys of its previous version. The incremental marts rebuild the partitions of the
-- versions newer than they have seen, under both keys, so an issue that moved between periods
-- or projects, or was deleted, leaves no stale figure; they read only the newest rows.
-- Append-only: it grows with the changes and is compacted by a --full-refresh, which the
-- weekly Jira reconciliation (a full reload) runs.
-- Issues vanished from the lifecycle are looked for (an anti-join of all issues) only when a
-- few counts say there are some: live issues recorded − lifecycle issues + the lifecycle's
-- newer issues not live here (a live version without previous keys makes an issue live, a
-- deletion makes it vanish).
-- A key added to the versions is appended as a new column; the versions recorded before it
-- have none, so their successors get null for its previous value.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
) }}
{%- set previous_keys = {
    'project_id': 'varchar',
    'first_done_at': 'timestamp',
    'in_progress_from': 'timestamp',
    'in_progress_to': 'timestamp',
    'story_points': 'double',
    'is_subtask': 'boolean',
    'status_change_count': 'bigint',
    'last_status_change_at': 'timestamp',
} %}
{%- if is_incremental() %}
{%- set recorded_keys = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
{%- set vanished_issue_count -%}
    with recorded as (
        select
            issue_id,
            case when is_deleted then -1 when previous_project_id is null then 1 else 0 end
                as liveness
        from {{ this }}
    ),

    newer as (
        select issue_id from {{ ref('int_jira__issue_lifecycle') }}
        where {{ is_newer_load('source_load_id') }}
    )

    select
        coalesce((select sum(liveness) from recorded), 0)
        - (select count(*) from {{ ref('int_jira__issue_lifecycle') }})
        + (select count(*) from newer)
        - (
            select count(*) from (
                select issue_id from recorded
                where issue_id in (select issue_id from newer)
                group by issue_id
                having sum(liveness) > 0
            ) as newer_live
        )
{%- endset %}
{%- set issues_vanished = run_query(vanished_issue_count).columns[0].values()[0] > 0 %}
{%- endif %}

with versions as (
    select
        issue_id,
        project_id,
        first_done_at,
        least(first_in_progress_at, first_unknown_status_at) as in_progress_from,
        case when current_category_key = 'done' then last_status_change_at end
            as in_progress_to,
        story_points,
        is_subtask,
        status_change_count,
        last_status_change_at,
        false as is_deleted
    from {{ ref('int_jira__issue_lifecycle') }}
    where {{ is_newer_load('source_load_id') }}
{%- if is_incremental() and issues_vanished %}

    union all

    select
        issue_id,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        true
    from {{ this }}
    where issue_id not in (select issue_id from {{ ref('int_jira__issue_lifecycle') }})
    group by issue_id
    having not arg_max(is_deleted, recorded_at)
{%- endif %}
{%- if is_incremental() %}
),

previous_versions as (
    select *
    from (
        select
            *,
            row_number() over (partition by issue_id order by recorded_at desc) as recency
        from {{ this }}
        where issue_id in (select issue_id from versions)
    ) as recorded
    where recency = 1
{%- endif %}
)

select
    versions.*,
{%- for key, type in previous_keys.items() %}
    {{ 'previous_versions.' ~ key if is_incremental() and key in recorded_keys
        else 'cast(null as ' ~ type ~ ')' }} as previous_{{ key }},
{%- endfor %}
    {{ issue_source_load_id() }} as source_load_id,
    cast('{{ run_started_at }}' as timestamptz) as recorded_at
from versions
{%- if is_incremental() %}
left join previous_versions on versions.issue_id = previous_versions.issue_id
{%- endif %}
