-- One stretch of time an issue spent in one status, by status id: from its creation (stretch
-- 0, in the from-status of its first move, else its current status) or a status move to the
-- next move (left_at null for the current status). The incremental history beside
-- int_jira__status_moves, rebuilt for the same issues; int_jira__status_intervals adds the
-- statusCategory.
with issues as (
    select issue_id, status_id, created_at, loaded_at from {{ ref('stg_jira__issues') }}
    where {{ issues_loaded_since_last_build() }}
),

moves as (
    select moves.*
    from {{ ref('int_jira__status_moves') }} as moves
    inner join issues on moves.issue_id = issues.issue_id
),

stretches as (
    select
        issues.issue_id,
        0 as interval_number,
        coalesce(first_move.from_status_id, issues.status_id) as status_id,
        false as entered_with_resolution,
        issues.created_at as entered_at
    from issues
    left join moves as first_move
        on issues.issue_id = first_move.issue_id
        and first_move.transition_number = 1

    union all

    select issue_id, transition_number, to_status_id, sets_resolution, changed_at
    from moves
)

select
    stretches.issue_id,
    stretches.interval_number,
    stretches.status_id,
    stretches.entered_with_resolution,
    stretches.entered_at,
    lead(stretches.entered_at) over (
        partition by stretches.issue_id order by stretches.interval_number
    ) as left_at,
    issues.loaded_at
from stretches
inner join issues on stretches.issue_id = issues.issue_id
