-- A Smartsheet milestone's slip each time its finish or baseline finish changed, from the
-- cell history: the finish and baseline in force at that moment (a cell without history
-- counts with its current value throughout).
with milestones as (
    select * from {{ ref('int_portfolio__project_plan_items') }}
    where is_milestone and source_system = 'smartsheet'
),

dates as (
    select history.row_id, history.role, history.changed_at, history.date_value
    from {{ ref('stg_smartsheet__cell_history') }} as history
    inner join milestones on history.row_id = milestones.plan_item_id
    where history.role in ('finish', 'baseline_finish')
),

finish as (
    select * from dates where role = 'finish'
),

baseline as (
    select * from dates where role = 'baseline_finish'
),

points as (
    select distinct row_id, changed_at from dates
),

tracked as (
    select
        row_id,
        bool_or(role = 'finish') as has_finish_history,
        bool_or(role = 'baseline_finish') as has_baseline_history
    from dates
    group by row_id
),

known as (
    select
        points.row_id,
        points.changed_at,
        finish.date_value as finish_then,
        baseline.date_value as baseline_then
    from points
    asof left join finish
        on points.row_id = finish.row_id and points.changed_at >= finish.changed_at
    asof left join baseline
        on points.row_id = baseline.row_id and points.changed_at >= baseline.changed_at
),

resolved as (
    select
        known.row_id,
        known.changed_at,
        case when tracked.has_finish_history then known.finish_then
            else milestones.finish_date end as forecast_finish,
        case when tracked.has_baseline_history then known.baseline_then
            else milestones.baseline_finish end as baseline_finish
    from known
    inner join tracked on known.row_id = tracked.row_id
    inner join milestones on known.row_id = milestones.plan_item_id
)

select
    milestones.project_key,
    milestones.plan_item_id,
    milestones.item_name as milestone_name,
    resolved.changed_at,
    resolved.forecast_finish,
    resolved.baseline_finish,
    date_diff('day', resolved.baseline_finish, resolved.forecast_finish) as slip_days
from resolved
inner join milestones on resolved.row_id = milestones.plan_item_id
