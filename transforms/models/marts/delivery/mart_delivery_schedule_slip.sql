-- Issues past their due date: done late, or not yet done and overdue at build time.
-- Incremental: recomputes the changed issues and every open issue (its slip grows daily);
-- changed issues that no longer slip leave marker rows, deleted by the post-hook.
{{ config(
    materialized='incremental',
    unique_key='issue_id',
    incremental_strategy='delete+insert',
    post_hook="{{ delete_vacated_partitions() }}",
) }}

with changed_issues as (
{%- if is_incremental() %}
    select distinct issue_id from ({{ changed_partition_keys() }}) as versions
{%- else %}
    select cast(null as varchar) as issue_id where false
{%- endif %}
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where due_date is not null
        and not is_subtask
    {%- if is_incremental() %}
        and (first_done_at is null or issue_id in (select issue_id from changed_issues))
    {%- endif %}
),

slipped as (
    select
        lifecycle.issue_id,
        lifecycle.issue_key,
        lifecycle.project_id,
        lifecycle.project_key,
        lifecycle.due_date,
        lifecycle.first_done_at,
        case when lifecycle.first_done_at is null then 'open_overdue' else 'done_late' end
            as slip_state,
        date_diff(
            'day',
            lifecycle.due_date,
            coalesce(cast(lifecycle.first_done_at as date), current_date)
        ) as slip_days,
        {{ issue_version_at() }} as source_version_at
    from lifecycle
),

slipped_now as (
    select * from slipped
    where slip_days > 0
)

select * from slipped_now
{%- if is_incremental() %}
union all by name
select issue_id from changed_issues
where issue_id not in (select issue_id from slipped_now)
{%- endif %}
