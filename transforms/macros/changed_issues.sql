{#- Incremental models keyed by issue recompute only the issues whose raw issue row arrived
    in a dlt load newer than the newest load the model has seen (its max(source_load_id));
    dlt load ids increase with time, and the Jira connector reloads a changed issue's whole
    changelog in the same load as the issue (changelog rows may come without _dlt_load_id,
    as arrow tables do). -#}

{#- The newest dlt load the model has seen, looked up when the model runs: as a literal in
    the filters, DuckDB pushes them into the table scans instead of joining every row with a
    subquery. -#}
{% macro newest_load_seen() -%}
    {%- set newest = run_query(
        "select coalesce(max(source_load_id), '') from " ~ this
    ).columns[0].values()[0] -%}
    {{- return(newest) -}}
{%- endmacro %}

{#- Whether a row came in a newer load than the model has seen: for raw issue rows (load_id)
    and for rows of the upstream incremental models (source_load_id), which rebuild a changed
    issue in the same run. -#}
{% macro is_newer_load(load_id_column) -%}
    {%- if is_incremental() -%}
    {{ load_id_column }} > '{{ newest_load_seen() }}'
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- Whether a row of a table without load ids (changelog, issue sprints) belongs to a changed
    issue. -#}
{% macro is_changed_issue(issue_id_column) -%}
    {%- if is_incremental() -%}
    {{ issue_id_column }} in (
        select issue_id from {{ ref('stg_jira__issues') }}
        where {{ is_newer_load('load_id') }}
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
    connector hard-deletes them from the raw tables), which delete+insert alone would keep.
    The deleted issues are looked up in `known_issues`, a model with one row per issue, when
    it exists: the status transitions (millions of rows) ask the lifecycle, which dbt builds
    only after them and so still holds the issues of the last run, for a fraction of the cost
    of anti-joining themselves with the raw issues. Only a strict upstream of `known_issues`
    may do so: a model built concurrently could see it already without the deleted issues.
    When the known issues are countable (`one_row_per_issue`: a condition true on exactly one
    row of each issue they hold), a few counts tell first whether any issue vanished at all,
    and the anti-join runs only then: Jira deletions are rare. -#}
{% macro delete_vanished_issues(known_issues=none, one_row_per_issue=none) -%}
    {%- set known = adapter.get_relation(
        database=this.database, schema=this.schema, identifier=known_issues
    ) if known_issues else none -%}
    {#- Without `known_issues` (first build), `one_row_per_issue` is no condition on this. -#}
    {%- set countable = one_row_per_issue is not none and (known or not known_issues) -%}
    {%- if not countable or not execute
        or vanished_issue_count(known or this, one_row_per_issue) > 0 -%}
    delete from {{ this }}
    where issue_id in (
        select known.issue_id from {{ known or this }} as known
        where not exists (
            select 1 from {{ ref('stg_jira__issues') }} as issues
            where issues.issue_id = known.issue_id
        )
    )
    {%- endif -%}
{%- endmacro %}

{#- How many of the issues `known` holds (one row each where `one_row_per_issue`) are gone from
    the raw issues, without an anti-join of all issues: known − current + the current issues
    it does not hold, which are all among those loaded after the newest load it has seen. -#}
{% macro vanished_issue_count(known, one_row_per_issue) -%}
    {%- set counts -%}
        with newer_issues as (
            select issue_id from {{ ref('stg_jira__issues') }}
            where load_id > (select coalesce(max(source_load_id), '') from {{ known }})
        )

        select
            (select count(*) from {{ known }} where {{ one_row_per_issue }})
            - (select count(*) from {{ ref('stg_jira__issues') }})
            + (select count(*) from newer_issues)
            - (
                select count(*) from {{ known }}
                where {{ one_row_per_issue }}
                    and issue_id in (select issue_id from newer_issues)
            )
    {%- endset -%}
    {{- return(run_query(counts).columns[0].values()[0]) -}}
{%- endmacro %}
