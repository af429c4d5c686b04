-- Work done per quarter (of the first move to done) and strategic objective, in the
-- quarter's work unit: story points when any done issue of the quarter is estimated,
-- otherwise issue counts. Work of projects without a known objective is unaligned (null).
-- No rows until both the project register and the strategic objectives have landed: without
-- them no work can be aligned, and "all work unaligned" would be a false 0 %.
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
),

register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

objectives as (
    select * from {{ ref('stg_spreadsheets__strategic_objectives') }}
),

done_issues as (
    select
        cast(date_trunc('quarter', lifecycle.first_done_at) as date) as quarter_start,
        objectives.objective_id,
        lifecycle.story_points
    from lifecycle
    left join register on lifecycle.project_key = register.project_key
    left join objectives on register.strategic_objective_id = objectives.objective_id
    where exists (select 1 from register)
        and exists (select 1 from objectives)
),

quarter_units as (
    select
        quarter_start,
        case when sum(story_points) > 0 then 'story_points' else 'issues' end as work_unit
    from done_issues
    group by quarter_start
)

select
    done_issues.quarter_start,
    done_issues.objective_id,
    quarter_units.work_unit,
    case
        when quarter_units.work_unit = 'story_points'
            then coalesce(sum(done_issues.story_points), 0)
        else count(*)
    end as work_done
from done_issues
inner join quarter_units on done_issues.quarter_start = quarter_units.quarter_start
group by done_issues.quarter_start, done_issues.objective_id, quarter_units.work_unit
