-- Each project's milestone slip at every month end, from the first change in its milestones'
-- cell history to the as-of month: the slip in force then for each milestone, summarised.
with history as (
    select * from {{ ref('mart_portfolio_milestone_slip_history') }}
),

projects as (
    select project_key, as_of_date from {{ ref('int_portfolio__projects') }}
),

months as (
    select
        history.project_key,
        unnest(generate_series(
            date_trunc('month', min(history.changed_at)),
            date_trunc('month', any_value(projects.as_of_date)),
            interval 1 month
        )) as month_start
    from history
    inner join projects on history.project_key = projects.project_key
    group by history.project_key
),

milestones as (
    select distinct project_key, plan_item_id from history
),

grid as (
    select
        months.project_key,
        cast(months.month_start as date) as month_start,
        months.month_start + interval 1 month as month_end,
        milestones.plan_item_id
    from months
    inner join milestones on months.project_key = milestones.project_key
),

in_force as (
    select
        grid.project_key,
        grid.month_start,
        grid.plan_item_id,
        history.slip_days
    from grid
    asof left join history
        on grid.plan_item_id = history.plan_item_id and grid.month_end > history.changed_at
)

select
    project_key,
    month_start,
    count(slip_days) as milestones_tracked,
    count(*) filter (where slip_days > 0) as milestones_late,
    max(slip_days) as max_slip_days,
    avg(slip_days) as mean_slip_days
from in_force
group by project_key, month_start
