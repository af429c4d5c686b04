-- The scope a delivery forecast has left, per as-of day: for each project (of Jira or of the
-- register) and each epic with open work, the issues open at the as-of day's end (created
-- before it, in a status not of category done then; sub-tasks left out), their story points
-- (current estimates; unestimated issues counted apart) and the plan's date to meet: a
-- project's baseline end from the register, an epic's due date in Jira. An epic is the parent
-- of a standard issue (by hierarchy, whatever the site calls the type); its scope is its
-- children.
with as_of_days as (
    select * from {{ ref('int_forecast__as_of_days') }}
),

-- Read afresh by each of its three readers (not materialized): a scan of the columns each
-- needs costs less than copying the 1M-row lifecycle once.
issues as not materialized (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where not is_subtask
),

-- The stretches in a status not done that an as-of day's end may fall in: those not left
-- before the first as-of day's end (most of the history is not). Read from the incremental
-- history: the inner join with the issues keeps live ones.
open_stretches as (
    select * from {{ ref('int_jira__status_interval_history') }}
    where coalesce(status_category_key, '') <> 'done'
        and (left_at is null or left_at >= (select min(cutoff_at) from as_of_days))
),

-- Each open stretch with its issue and epic, resolved once before the as-of days multiply it
-- (materialized: else the optimizer joins the epics after the as-of days, on 8 times the rows).
open_stretch_issues as materialized (
    select
        open_stretches.entered_at,
        open_stretches.left_at,
        issues.created_at,
        issues.project_key,
        issues.issue_key,
        epics.issue_key as epic_key,
        epics.due_date as epic_due_date,
        issues.story_points
    from open_stretches
    inner join issues on open_stretches.issue_id = issues.issue_id
    left join issues as epics on issues.parent_key = epics.issue_key
),

open_issues as (
    select
        as_of_days.as_of_date,
        stretches.project_key,
        stretches.issue_key,
        stretches.epic_key,
        stretches.epic_due_date,
        stretches.story_points
    from as_of_days
    inner join open_stretch_issues as stretches
        on stretches.entered_at < as_of_days.cutoff_at
        and (stretches.left_at is null or stretches.left_at >= as_of_days.cutoff_at)
        and stretches.created_at < as_of_days.cutoff_at
),

register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

jira_projects as (
    select distinct project_key from issues
),

project_list as (
    select
        coalesce(jira_projects.project_key, register.project_key) as project_key,
        jira_projects.project_key is not null as has_jira_issues,
        register.baseline_end
    from jira_projects
    full join register on jira_projects.project_key = register.project_key
),

projects as (
    select as_of_days.as_of_date, project_list.*
    from as_of_days
    cross join project_list
),

project_scope as (
    select
        projects.as_of_date,
        'project' as subject_type,
        projects.project_key as subject_key,
        projects.project_key,
        case when projects.has_jira_issues then count(open_issues.issue_key) end
            as remaining_issues,
        coalesce(sum(open_issues.story_points), 0) as remaining_story_points,
        count(open_issues.issue_key) - count(open_issues.story_points) as unestimated_issues,
        projects.baseline_end as target_date,
        'baseline_end' as target_source
    from projects
    left join open_issues
        on projects.as_of_date = open_issues.as_of_date
        and projects.project_key = open_issues.project_key
    group by
        projects.as_of_date, projects.project_key, projects.has_jira_issues, projects.baseline_end
),

epic_scope as (
    select
        open_issues.as_of_date,
        'epic' as subject_type,
        open_issues.epic_key as subject_key,
        open_issues.project_key,
        count(*) as remaining_issues,
        coalesce(sum(open_issues.story_points), 0) as remaining_story_points,
        count(*) - count(open_issues.story_points) as unestimated_issues,
        any_value(open_issues.epic_due_date) as target_date,
        'due_date' as target_source
    from open_issues
    where open_issues.epic_key is not null
    group by all
)

select * from project_scope
union all
select * from epic_scope
