-- One milestone of a portfolio project (Smartsheet milestone rows, or the register's project
-- end) with its slip against the current and the original baseline.
with milestones as (
    select * from {{ ref('int_portfolio__project_plan_items') }}
    where is_milestone
),

baseline_history as (
    select
        row_id,
        min_by(date_value, changed_at) filter (where date_value is not null)
            as original_baseline_finish
    from {{ ref('stg_smartsheet__cell_history') }}
    where role = 'baseline_finish'
    group by row_id
),

changes as (
    select
        plan_item_id,
        count(*) filter (where role = 'baseline_finish') as baseline_changes,
        count(*) filter (where role = 'finish') as finish_changes
    from {{ ref('int_portfolio__cell_changes') }}
    group by plan_item_id
)

select
    milestones.project_key,
    milestones.source_system,
    milestones.plan_item_id,
    milestones.item_name as milestone_name,
    milestones.baseline_finish,
    coalesce(baseline_history.original_baseline_finish, milestones.baseline_finish)
        as original_baseline_finish,
    milestones.finish_date as forecast_finish,
    date_diff('day', milestones.baseline_finish, milestones.finish_date) as slip_days,
    date_diff(
        'day',
        coalesce(baseline_history.original_baseline_finish, milestones.baseline_finish),
        milestones.finish_date
    ) as slip_vs_original_baseline_days,
    milestones.baseline_finish is not null as has_baseline,
    coalesce(changes.baseline_changes, 0) as baseline_changes,
    coalesce(changes.finish_changes, 0) as finish_changes,
    milestones.rag,
    milestones.data_issues
from milestones
left join baseline_history on milestones.plan_item_id = baseline_history.row_id
left join changes on milestones.plan_item_id = changes.plan_item_id
