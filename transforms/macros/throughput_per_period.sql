{#- Throughput per project and calendar period ('week' or 'month') of the first move to done:
    shared by the weekly and monthly marts so both count issues the same way. Incremental:
    rebuilds the changed partitions only (macros/incremental_partitions.sql). -#}
{% macro throughput_per_period(period) %}
with changed_partitions as (
    {{ changed_done_partitions(period) }}
),

lifecycle as (
    {{ done_issues_in_changed_partitions(period) }}
),

throughput as (
    select
        project_id,
        project_key,
        {{ done_period_start(period) }} as {{ period }}_start,
        count(*) as issues_done,
        {{ sum_of_estimates('story_points') }} as story_points_done,
        count(case when has_unknown_status then 1 end) as issues_with_unknown_status,
        {{ issue_version_at() }} as source_version_at
    from lifecycle
    group by project_id, project_key, {{ done_period_start(period) }}
)

select * from throughput
{{ vacated_partitions('throughput', period) }}
{% endmacro %}
