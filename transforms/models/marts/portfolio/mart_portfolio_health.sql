-- One project of the register with schedule, cost, scope and benefits performance.
with register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

rag_labels as (
    select * from {{ ref('int_portfolio__rag_labels') }}
),

lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

scope as (
    select
        project_key,
        count(*) as issues_total,
        count(case when is_done then 1 end) as issues_done,
        coalesce(sum(story_points), 0) as story_points_total,
        coalesce(sum(case when is_done then story_points end), 0) as story_points_done
    from lifecycle
    group by project_key
),

scoped as (
    select
        register.*,
        coalesce(rag_labels.rag, 'unrated') as rag,
        case
            when scope.story_points_total > 0 then 'story_points'
            when scope.issues_total > 0 then 'issues'
        end as scope_basis,
        case
            when scope.story_points_total > 0
                then 100.0 * scope.story_points_done / scope.story_points_total
            when scope.issues_total > 0 then 100.0 * scope.issues_done / scope.issues_total
        end as scope_done_pct
    from register
    left join rag_labels on register.rag_label = rag_labels.rag_label
    left join scope on register.project_key = scope.project_key
),

valued as (
    select
        *,
        budget * scope_done_pct / 100.0 as earned_value
    from scoped
)

select
    project_key,
    project_name,
    strategic_objective_id,
    sponsor,
    rag,
    baseline_start,
    baseline_end,
    forecast_end,
    date_diff('day', baseline_end, forecast_end) as schedule_variance_days,
    budget,
    actual_cost_to_date,
    scope_basis,
    scope_done_pct,
    earned_value,
    earned_value - actual_cost_to_date as cost_variance,
    earned_value / nullif(actual_cost_to_date, 0) as cost_performance_index,
    planned_benefits,
    realised_benefits,
    100.0 * realised_benefits / nullif(planned_benefits, 0) as benefits_realisation_pct
from valued
