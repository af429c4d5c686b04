-- One portfolio project (Smartsheet or the register, one source per project) with milestone
-- slip, % complete against planned, budget variance, RAG and time spent red, next to its Jira
-- delivery through the project mapping. Time in a status label the seed does not know is
-- counted beside time red, never dropped: red time may hide in it.
with projects as (
    select * from {{ ref('int_portfolio__projects') }}
),

jira_mapping as (
    select * from {{ ref('int_portfolio__jira_mapping') }}
),

items as (
    select
        items.*,
        projects.as_of_date
    from {{ ref('int_portfolio__project_plan_items') }} as items
    inner join projects on items.project_key = projects.project_key
),

milestones as (
    select * from {{ ref('mart_portfolio_milestone_slip') }}
),

intervals as (
    select * from {{ ref('int_portfolio__status_intervals') }}
),

-- Spans red, or in a label the seed does not know, up to the as-of day.
counted_spans as (
    select
        intervals.project_key,
        intervals.rag,
        intervals.valid_from as span_from,
        least(coalesce(intervals.valid_to, projects.as_of_date), projects.as_of_date) as span_to,
        coalesce(intervals.valid_to, projects.as_of_date) >= projects.as_of_date as is_current
    from intervals
    inner join projects on intervals.project_key = projects.project_key
    where intervals.rag in ('red', 'unknown') and intervals.valid_from < projects.as_of_date
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

progress as (
    select
        project_key,
        100.0 * sum(progress_weight_days * percent_complete_pct / 100.0)
            filter (where percent_complete_pct is not null)
            / nullif(sum(progress_weight_days) filter (where percent_complete_pct is not null), 0)
            as percent_complete_pct,
        100.0 * sum(least(greatest(
            date_diff('day', planned_start, as_of_date) + 1, 0
        ), progress_weight_days)) / nullif(sum(progress_weight_days), 0)
            as planned_percent_complete_pct
    from items
    where progress_weight_days is not null
    group by project_key
),

milestone_slip as (
    select
        project_key,
        count(*) as milestones,
        count(*) filter (where has_baseline) as milestones_with_baseline,
        count(*) filter (where slip_days > 0) as milestones_late,
        max(slip_days) as max_milestone_slip_days,
        avg(slip_days) as mean_milestone_slip_days,
        count(*) filter (where baseline_changes > 0) as milestones_rebaselined
    from milestones
    group by project_key
),

-- Overlapping spans of a project's items merged: the project is red while any item is.
islands as (
    select
        *,
        sum(case when span_from <= previous_end then 0 else 1 end) over (
            partition by project_key, rag order by span_from, span_to
        ) as island
    from (
        select
            *,
            max(span_to) over (
                partition by project_key, rag order by span_from, span_to
                rows between unbounded preceding and 1 preceding
            ) as previous_end
        from counted_spans
    )
),

time_held as (
    select
        project_key,
        sum(seconds) filter (where rag = 'red') / 86400.0 as days_red,
        sum(seconds) filter (where rag = 'unknown') / 86400.0 as days_status_unknown,
        bool_or(rag = 'red' and is_current) as is_red_at_as_of
    from (
        select
            project_key,
            rag,
            date_diff('second', min(span_from), max(span_to)) as seconds,
            bool_or(is_current) as is_current
        from islands
        group by project_key, rag, island
    )
    group by project_key
),

status_tracked as (
    select distinct project_key from intervals
),

-- Status labels the seed does not know, current or in the history.
unknown_labels as (
    select project_key, string_agg(distinct rag_label, ', ' order by rag_label) as labels
    from (
        select project_key, rag_label from intervals where rag = 'unknown'
        union all
        select project_key, rag_label from items where rag = 'unknown'
    )
    group by project_key
),

delivery as (
    select
        project_key,
        count(*) as jira_issues,
        count(*) filter (where is_done) as jira_issues_done
    from lifecycle
    group by project_key
)

select
    projects.project_key,
    projects.project_name,
    projects.source_system,
    projects.source_project_id,
    projects.other_sources,
    projects.conflicting_fields,
    jira_mapping.jira_project_key,
    jira_mapping.jira_mapping,
    jira_mapping.is_mapped_to_jira,
    projects.rag,
    projects.baseline_start,
    projects.baseline_finish,
    projects.forecast_finish,
    date_diff('day', projects.baseline_finish, projects.forecast_finish) as finish_slip_days,
    coalesce(milestone_slip.milestones, 0) as milestones,
    coalesce(milestone_slip.milestones_with_baseline, 0) as milestones_with_baseline,
    coalesce(milestone_slip.milestones_late, 0) as milestones_late,
    milestone_slip.max_milestone_slip_days,
    milestone_slip.mean_milestone_slip_days,
    coalesce(milestone_slip.milestones_rebaselined, 0) as milestones_rebaselined,
    progress.percent_complete_pct,
    progress.planned_percent_complete_pct,
    progress.percent_complete_pct - progress.planned_percent_complete_pct
        as percent_complete_gap_pts,
    projects.budget,
    projects.actual_cost,
    projects.budget - projects.actual_cost as budget_variance,
    100.0 * (projects.budget - projects.actual_cost) / nullif(projects.budget, 0)
        as budget_variance_pct,
    case when status_tracked.project_key is not null
        then coalesce(time_held.days_red, 0) end as days_red,
    -- Red now (the sheet summary's status, or an item without status history) while no
    -- item's history is: days_red, counted from item histories only, misses that time.
    case when status_tracked.project_key is not null
        then projects.rag = 'red' and not coalesce(time_held.is_red_at_as_of, false) end
        as days_red_is_partial,
    case when status_tracked.project_key is not null
        then coalesce(time_held.days_status_unknown, 0) end as days_status_unknown,
    unknown_labels.labels as unknown_rag_labels,
    projects.plan_items,
    projects.items_with_data_issues,
    delivery.jira_issues,
    delivery.jira_issues_done,
    100.0 * delivery.jira_issues_done / nullif(delivery.jira_issues, 0) as jira_done_pct,
    projects.as_of_date
from projects
left join milestone_slip on projects.project_key = milestone_slip.project_key
left join progress on projects.project_key = progress.project_key
left join time_held on projects.project_key = time_held.project_key
left join unknown_labels on projects.project_key = unknown_labels.project_key
left join status_tracked on projects.project_key = status_tracked.project_key
left join jira_mapping on projects.project_key = jira_mapping.project_key
left join delivery on jira_mapping.jira_project_key = delivery.project_key
