-- Changes to the tracked cells of each project's Smartsheet plan per calendar month.
with changes as (
    select * from {{ ref('int_portfolio__cell_changes') }}
)

select
    project_key,
    cast(date_trunc('month', changed_at) as date) as month_start,
    count(*) as plan_changes,
    count(*) filter (where change_kind = 'schedule') as schedule_changes,
    count(*) filter (where change_kind = 'baseline') as baseline_changes,
    count(*) filter (where change_kind = 'status') as status_changes,
    count(*) filter (where is_milestone) as milestone_changes,
    count(distinct plan_item_id) as items_changed
from changes
group by project_key, cast(date_trunc('month', changed_at) as date)
