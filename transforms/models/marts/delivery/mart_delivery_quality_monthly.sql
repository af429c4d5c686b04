-- Bug share and reopen rate of done issues per project and month of the first move to done.
{{ config(**project_period_partitions('month')) }}

with changed_partitions as (
    {{ changed_done_partitions('month') }}
),

lifecycle as (
    {{ done_issues_in_changed_partitions('month') }}
),

quality as (
    select
        project_id,
        project_key,
        {{ done_period_start('month') }} as month_start,
        count(*) as issues_done,
        count(case when is_bug then 1 end) as bugs_done,
        100.0 * count(case when is_bug then 1 end) / count(*) as bug_share_pct,
        count(case when reopen_count > 0 then 1 end) as issues_reopened,
        100.0 * count(case when reopen_count > 0 then 1 end) / count(*) as reopen_rate_pct,
        count(case when has_unknown_status then 1 end) as issues_with_unknown_status,
        {{ issue_version_at() }} as source_version_at
    from lifecycle
    group by project_id, project_key, {{ done_period_start('month') }}
)

select * from quality
{{ vacated_partitions('quality', 'month') }}
