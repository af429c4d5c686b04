-- One stretch of time an issue spent in one status: from its creation (interval 0, in the
-- from-status of its first move, else its current status) or a status move to the next move
-- (left_at null for the current status), with its statusCategory and waiting flag from the
-- status dimension (int_jira__statuses): a stretch entered by a move whose history set the
-- resolution is done when the dimension does not know its status, else unknown (null).
-- Incremental by issue (configured for the folder in dbt_project.yml): the issues loaded since
-- the last build and those built with another version of the status dimension are rebuilt
-- whole (macros/issues_to_rebuild.sql); the rows of deleted issues stay, unread: the view
-- int_jira__status_intervals keeps live issues.
with issues as (
    select issue_id, status_id, created_at, loaded_at from {{ ref('stg_jira__issues') }}
    where {{ issues_to_rebuild() }}
),

moves as (
    select history.* exclude (loaded_at), issues.loaded_at
    from {{ ref('int_jira__status_history') }} as history
    inner join issues on history.issue_id = issues.issue_id
),

stretches as (
    select
        issues.issue_id,
        0 as interval_number,
        coalesce(first_move.from_status_id, issues.status_id) as status_id,
        false as entered_with_resolution,
        issues.created_at as entered_at,
        first_move.changed_at as left_at,
        issues.loaded_at
    from issues
    left join moves as first_move
        on issues.issue_id = first_move.issue_id
        and first_move.transition_number = 1

    union all

    select
        moves.issue_id,
        moves.transition_number,
        moves.to_status_id,
        moves.sets_resolution,
        moves.changed_at,
        moves.next_changed_at,
        moves.loaded_at
    from moves
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
)

select
    stretches.issue_id,
    stretches.interval_number,
    stretches.status_id,
    coalesce(
        statuses.status_category_key,
        case when stretches.entered_with_resolution then 'done' end
    ) as status_category_key,
    coalesce(statuses.is_waiting, false) as is_waiting,
    stretches.entered_at,
    stretches.left_at,
    {{ days_between('stretches.entered_at', 'stretches.left_at') }} as duration_days,
    stretches.loaded_at,
    {{ status_dimension_version() }} as statuses_version
from stretches
left join statuses on stretches.status_id = statuses.status_id
