-- Work in progress at each month end (or now, for the current month) and its age, with the
-- issues then in a status of unknown category (they might be in progress).
-- Incremental: rebuilds the months in which a changed issue's WIP may differ and, for every
-- project with recent WIP, the months since the last build (they were measured at build time).
-- A changed issue whose status history only grew (its previous moves unchanged, Jira's
-- changelog being append-only) and whose WIP attributes (project, start of work, story points,
-- sub-task) did not change can differ only from its first new move on: a reopening years
-- after the issue was done rebuilds the months since the reopening, not the years between.
-- Any other change rebuilds every month either version was in progress.
-- depends_on: {{ ref('int_jira__status_transitions') }}
-- Only intervals still open in the earliest rebuilt month are read: it is looked up first and
-- filters as a literal, so DuckDB drops the other intervals in the scan, before any join.
{{ config(**project_period_partitions('month')) }}

{%- set build_time -%}
    select cast(now() at time zone 'UTC' as timestamp) as built_at
{%- endset %}
{%- set changed_partitions -%}
{%- if is_incremental() %}
    with newer_versions as (
        select *, count(*) over (partition by issue_id) as newer_version_count
        {{ newer_issue_versions() }}
    ),

    grown_histories as (
        select newer_versions.issue_id, newer_versions.project_id, next_move.changed_at
        from newer_versions
        inner join {{ ref('int_jira__status_transitions') }} as last_seen_move
            on newer_versions.issue_id = last_seen_move.issue_id
            and newer_versions.previous_status_change_count = last_seen_move.transition_number
            and newer_versions.previous_last_status_change_at = last_seen_move.changed_at
        left join {{ ref('int_jira__status_transitions') }} as next_move
            on newer_versions.issue_id = next_move.issue_id
            and newer_versions.previous_status_change_count + 1 = next_move.transition_number
        where newer_versions.newer_version_count = 1
            and newer_versions.previous_status_change_count > 0
            and newer_versions.project_id = newer_versions.previous_project_id
            and newer_versions.is_subtask = newer_versions.previous_is_subtask
            and newer_versions.in_progress_from
                is not distinct from newer_versions.previous_in_progress_from
            and newer_versions.story_points
                is not distinct from newer_versions.previous_story_points
    ),

    changed_stretches as (
        select project_id, changed_at as stretch_from, null as stretch_to
        from grown_histories
        where changed_at is not null

        union all

        select project_id, in_progress_from, in_progress_to
        from ({{ changed_partition_keys() }}) as versions
        where in_progress_from is not null
            and issue_id not in (select issue_id from grown_histories)
    )

    select distinct
        changed_stretches.project_id as partition_project_id,
        cast(unnest(generate_series(
            date_trunc('month', changed_stretches.stretch_from),
            date_trunc('month', coalesce(changed_stretches.stretch_to, build_time.built_at)),
            interval 1 month
        )) as date) as partition_start
    from changed_stretches
    cross join build_time

    union

    select
        recent.project_id,
        cast(unnest(generate_series(
            recent.last_built_month,
            date_trunc('month', build_time.built_at),
            interval 1 month
        )) as date)
    from (
        select distinct wip.project_id, last_build.last_built_month
        from {{ this }} as wip
        inner join (
            select cast(date_trunc('month', max(as_of_at)) as date) as last_built_month
            from {{ this }}
        ) as last_build on wip.month_start >= last_build.last_built_month
    ) as recent
    cross join build_time
{%- else %}
    select cast(null as varchar) as partition_project_id, cast(null as date) as partition_start
    where false
{%- endif %}
{%- endset %}
{%- if is_incremental() %}
{%- set earliest_month = run_query(
    'with build_time as (' ~ build_time ~ ') select min(partition_start) from ('
    ~ changed_partitions ~ ')'
).columns[0].values()[0] %}
{%- endif %}

with build_time as (
    {{ build_time }}
),

changed_partitions as (
    {{ changed_partitions }}
),

project_bounds as (
    select partition_project_id as project_id, min(partition_start) as first_month
    from changed_partitions
    group by partition_project_id
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

intervals as (
    select
        intervals.entered_at,
        intervals.left_at,
        intervals.status_category_key is null as is_unknown,
        lifecycle.project_id,
        lifecycle.project_key,
        lifecycle.story_points,
        lifecycle.first_in_progress_at,
        {%- if is_incremental() %}
        greatest(date_trunc('month', intervals.entered_at), project_bounds.first_month)
        {%- else %}
        date_trunc('month', intervals.entered_at)
        {%- endif %} as first_month
    from {{ ref('int_jira__status_intervals') }} as intervals
    inner join lifecycle on intervals.issue_id = lifecycle.issue_id
    {%- if is_incremental() %}
    inner join project_bounds on lifecycle.project_id = project_bounds.project_id
    cross join build_time
    where coalesce(intervals.status_category_key, 'unknown') in ('indeterminate', 'unknown')
        and coalesce(intervals.left_at, build_time.built_at) >= project_bounds.first_month
        and (
            intervals.left_at is null
            or intervals.left_at >= cast({{ "'" ~ earliest_month ~ "'" if earliest_month
                else 'null' }} as date)
        )
    {%- else %}
    where coalesce(intervals.status_category_key, 'unknown') in ('indeterminate', 'unknown')
    {%- endif %}
),

candidate_months as (
    select
        intervals.*,
        build_time.built_at,
        cast(unnest(generate_series(
            intervals.first_month,
            date_trunc('month', coalesce(intervals.left_at, build_time.built_at)),
            interval 1 month
        )) as date) as month_start
    from intervals
    cross join build_time
),

month_ends as (
    select
        *,
        least(cast(month_start + interval 1 month as timestamp), built_at) as as_of_at
    from candidate_months
),

in_progress as (
    select
        month_start,
        as_of_at,
        project_id,
        project_key,
        is_unknown,
        case when not is_unknown then story_points end as story_points,
        case
            when not is_unknown then date_diff('second', first_in_progress_at, as_of_at) / 86400.0
        end as age_days
    from month_ends
    {{ join_changed_partitions('month_ends.project_id', 'month_ends.month_start') }}
    where entered_at < as_of_at
        and (left_at is null or left_at >= as_of_at)
),

wip as (
    select
        project_id,
        project_key,
        month_start,
        max(as_of_at) as as_of_at,
        count(case when not is_unknown then 1 end) as wip_issues,
        {{ sum_of_estimates('story_points', 'not is_unknown') }} as wip_story_points,
        avg(age_days) as wip_age_mean_days,
        round(percentile_cont(0.85) within group (order by age_days), 3) as wip_age_p85_days,
        max(age_days) as wip_age_max_days,
        count(case when is_unknown then 1 end) as unknown_status_issues,
        {{ issue_version_at() }} as source_version_at
    from in_progress
    group by project_id, project_key, month_start
)

select * from wip
{{ vacated_partitions('wip', 'month') }}
