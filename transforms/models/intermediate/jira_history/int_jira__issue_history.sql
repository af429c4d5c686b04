-- One issue with its attributes, its flow milestones by statusCategory (from the categorised
-- status moves, int_jira__status_transitions, and the issue's creation stretch), its current
-- statusCategory and its active and waiting days inside its cycle (first in progress -> first
-- done, from its status stretches). An issue created in a status of unknown category is not
-- taken to be in progress or done at creation. Incremental by issue like
-- int_jira__status_interval_history (the issues loaded since the last build and those built
-- with another version of the status dimension are recomputed, macros/issues_to_rebuild.sql;
-- the connector reloads an issue whose attributes changed); the row of an issue gone from
-- stg_jira__issues (deleted in Jira) is marked deleted. int_jira__issue_lifecycle, a view,
-- reads the rows not deleted.
with issues as (
    select
        issue_id,
        issue_key,
        project_id,
        project_key,
        issue_type,
        is_subtask,
        parent_key,
        story_points,
        due_date,
        status_id,
        created_at,
        loaded_at
    from {{ ref('stg_jira__issues') }}
    where {{ issues_to_rebuild() }}
),

transitions as (
    select transitions.*
    from {{ ref('int_jira__status_transitions') }} as transitions
    inner join issues on transitions.issue_id = issues.issue_id
),

stretches as (
    select * from {{ ref('int_jira__status_interval_history') }}
),

per_issue as (
    select
        issue_id,
        min(case when to_category_key = 'indeterminate' then changed_at end)
            as first_moved_in_progress_at,
        min(case when to_category_key = 'done' then changed_at end) as first_moved_done_at,
        count(case when from_category_key = 'done' and to_category_key <> 'done' then 1 end)
            as reopen_count,
        count(*) as status_change_count,
        max(changed_at) as last_status_change_at,
        min(case when to_category_key is null then changed_at end) as first_moved_unknown_at,
        arg_max_null(to_status_id, transition_number) as last_to_status_id,
        arg_max_null(to_category_key, transition_number) as last_to_category_key,
        any_value(case when transition_number = 1 then from_category_key end)
            as first_move_from_category_key
    from transitions
    group by issue_id
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
),

-- An issue is created in the from-status of its first move, else in its current status. Its
-- current statusCategory is that of its latest move while it is still in the status the move
-- entered, else that of its current status, so that "currently done" and "first reached done"
-- agree.
initial as (
    select
        issues.*,
        per_issue.* exclude (issue_id),
        case
            when per_issue.issue_id is null then statuses.status_category_key
            else per_issue.first_move_from_category_key
        end as initial_category_key,
        case
            when per_issue.last_to_status_id = issues.status_id
                then per_issue.last_to_category_key
            else statuses.status_category_key
        end as current_category_key
    from issues
    left join statuses using (status_id)
    left join per_issue using (issue_id)
),

milestones as (
    select
        initial.* exclude (
            status_id,
            first_moved_in_progress_at,
            first_moved_done_at,
            first_moved_unknown_at,
            last_to_status_id,
            last_to_category_key,
            first_move_from_category_key
        ) replace (
            coalesce(reopen_count, 0) as reopen_count,
            coalesce(status_change_count, 0) as status_change_count
        ),
        case
            when initial_category_key = 'indeterminate' then created_at
            else first_moved_in_progress_at
        end as first_in_progress_at,
        case
            when initial_category_key = 'done' then created_at
            else first_moved_done_at
        end as first_done_at,
        case
            when initial_category_key is null then created_at
            else first_moved_unknown_at
        end as first_unknown_status_at
    from initial
),

-- Active (indeterminate, not waiting) versus other time inside each cycle window (the join
-- with the milestones keeps the stretches of the issues rebuilt; least() skips the null end of
-- a stretch still open).
clipped as (
    select
        milestones.issue_id,
        stretches.status_category_key = 'indeterminate' and not stretches.is_waiting
            as is_active,
        {{ days_between(
            'greatest(stretches.entered_at, milestones.first_in_progress_at)',
            'least(stretches.left_at, milestones.first_done_at)'
        ) }} as days_in_window
    from milestones
    inner join stretches
        on milestones.issue_id = stretches.issue_id
        and stretches.entered_at < milestones.first_done_at
        and coalesce(stretches.left_at, milestones.first_done_at)
            > milestones.first_in_progress_at
    where milestones.first_in_progress_at <= milestones.first_done_at
),

flow_time as (
    select
        issue_id,
        sum(case when is_active then days_in_window else 0 end) as active_days,
        sum(case when is_active then 0 else days_in_window end) as waiting_days
    from clipped
    group by issue_id
),

built as (
    select
        milestones.* exclude (loaded_at),
        flow_time.active_days,
        flow_time.waiting_days,
        false as is_deleted,
        milestones.loaded_at,
        {{ status_dimension_version() }} as statuses_version
    from milestones
    left join flow_time on milestones.issue_id = flow_time.issue_id
)

select * from built
{%- if is_incremental() %}

union all by name

-- Issues deleted in Jira since their row was built (tombstoned: no longer in staging): the
-- row stays, marked, so that the lifecycle needs no join with the live issues.
-- (An anti join: `not exists` plans as a mark join over every column of the history.)
select history.* replace (true as is_deleted)
from {{ this }} as history
anti join {{ ref('stg_jira__issues') }} as issues on history.issue_id = issues.issue_id
where not history.is_deleted
{%- endif %}
