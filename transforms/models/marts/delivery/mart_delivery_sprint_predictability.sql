-- Per closed sprint: what was committed at its start, what was added or removed during it,
-- and how much of the commitment was done when it closed. Points are null, not 0, for a
-- sprint none of whose issues is estimated (a team that does not estimate).
{%- set points = ['committed_points', 'added_points', 'completed_committed_points'] %}
with sprints as (
    select * from {{ ref('stg_jira__sprints') }}
    where sprint_state = 'closed'
        and started_at is not null
        and completed_at is not null
),

boards as (
    select * from {{ ref('stg_jira__boards') }}
),

membership as (
    select * from {{ ref('int_jira__sprint_membership') }}
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

-- Only sprint members' intervals: the check below is correlated, and over the whole history
-- (a view) DuckDB spent most of a Jira rebuild's time on it at a million issues.
done_intervals as (
    select * from {{ ref('int_jira__status_intervals') }}
    where status_category_key = 'done'
        and issue_id in (select membership.issue_id from membership)
),

sprint_issues as (
    select
        sprints.sprint_id,
        membership.issue_id,
        bool_or(
            membership.valid_from <= sprints.started_at
            and coalesce(membership.valid_to > sprints.started_at, true)
        ) as in_at_start,
        bool_or(
            membership.valid_from <= sprints.completed_at
            and coalesce(membership.valid_to > sprints.completed_at, true)
        ) as in_at_end
    from sprints
    inner join membership
        on sprints.sprint_id = membership.sprint_id
        and membership.valid_from <= sprints.completed_at
    group by sprints.sprint_id, membership.issue_id
),

classified as (
    select
        sprint_issues.*,
        lifecycle.story_points,
        exists (
            select 1
            from done_intervals
            inner join sprints on sprints.sprint_id = sprint_issues.sprint_id
            where done_intervals.issue_id = sprint_issues.issue_id
                and done_intervals.entered_at <= sprints.completed_at
                and coalesce(done_intervals.left_at > sprints.completed_at, true)
        ) as done_at_end
    from sprint_issues
    inner join lifecycle on sprint_issues.issue_id = lifecycle.issue_id
),

per_sprint as (
    select
        sprint_id,
        count(case when in_at_start then 1 end) as committed_issues,
        coalesce(sum(case when in_at_start then story_points end), 0) as committed_points,
        count(case when in_at_end and not in_at_start then 1 end) as added_issues,
        coalesce(sum(case when in_at_end and not in_at_start then story_points end), 0)
            as added_points,
        count(case when in_at_start and not in_at_end then 1 end) as removed_issues,
        count(case when in_at_start and in_at_end and done_at_end then 1 end)
            as completed_committed_issues,
        coalesce(sum(case when in_at_start and in_at_end and done_at_end then story_points end), 0)
            as completed_committed_points,
        count(case when in_at_end and done_at_end then 1 end) as completed_issues,
        count(story_points) as estimated_issues
    from classified
    group by sprint_id
)

select
    sprints.sprint_id,
    sprints.sprint_name,
    sprints.board_id,
    boards.project_key,
    sprints.started_at,
    sprints.completed_at,
    coalesce(per_sprint.committed_issues, 0) as committed_issues,
    coalesce(per_sprint.added_issues, 0) as added_issues,
    coalesce(per_sprint.removed_issues, 0) as removed_issues,
    coalesce(per_sprint.completed_committed_issues, 0) as completed_committed_issues,
    coalesce(per_sprint.completed_issues, 0) as completed_issues,
    {%- for column in points %}
    case
        when per_sprint.sprint_id is null then 0
        when per_sprint.estimated_issues > 0 then per_sprint.{{ column }}
    end as {{ column }},
    {%- endfor %}
    100.0 * per_sprint.completed_committed_issues / nullif(per_sprint.committed_issues, 0)
        as predictability_issues_pct,
    100.0 * per_sprint.completed_committed_points / nullif(per_sprint.committed_points, 0)
        as predictability_points_pct,
    100.0 * per_sprint.added_issues / nullif(per_sprint.committed_issues, 0)
        as scope_change_pct
from sprints
left join per_sprint on sprints.sprint_id = per_sprint.sprint_id
left join boards on sprints.board_id = boards.board_id
