-- One stretch of time a live issue spent in one status: from its creation (interval 0, in the
-- from-status of its first move, else its current status) or a status move to the next move
-- (left_at null for the current status), with its statusCategory and waiting flag from the
-- status dimension (int_jira__statuses): a stretch entered by a move whose history set the
-- resolution is done when the dimension does not know its status, else unknown (null). A
-- table rebuilt whole from the incremental history on every build (read by several models),
-- so a status recategorised applies on the next build.
with issues as (
    select issue_id, status_id, created_at from {{ ref('stg_jira__issues') }}
),

moves as (
    select * from {{ ref('int_jira__status_history') }}
),

first_moves as (
    select issue_id, from_status_id, changed_at from {{ ref('int_jira__status_history') }}
    where transition_number = 1
),

stretches as (
    select
        issues.issue_id,
        0 as interval_number,
        coalesce(first_move.from_status_id, issues.status_id) as status_id,
        false as entered_with_resolution,
        issues.created_at as entered_at,
        first_move.changed_at as left_at
    from issues
    left join first_moves as first_move on issues.issue_id = first_move.issue_id

    union all

    select
        moves.issue_id,
        moves.transition_number,
        moves.to_status_id,
        moves.sets_resolution,
        moves.changed_at,
        moves.next_changed_at
    from moves
    inner join issues on moves.issue_id = issues.issue_id
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
    date_diff('second', stretches.entered_at, stretches.left_at) / 86400.0 as duration_days
from stretches
left join statuses on stretches.status_id = statuses.status_id
