-- One status move of a live issue with the statusCategory on both sides, from the status
-- dimension (int_jira__statuses) joined here, on top of the incremental history: a move into
-- a status the dimension does not know is done when its history sets the resolution, else
-- unknown (null); the from-side of a move takes the category the previous move gave that
-- status.
{{ config(materialized='view') }}

with moves as (
    select * from {{ ref('int_jira__status_history') }}
    where issue_id in (select issue_id from {{ ref('stg_jira__issues') }})
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
)

select
    moves.issue_id,
    moves.history_id,
    moves.item_index,
    moves.changed_at,
    moves.from_status_id,
    moves.to_status_id,
    coalesce(
        from_status.status_category_key,
        case when moves.follows_a_resolving_move then 'done' end
    ) as from_category_key,
    coalesce(
        to_status.status_category_key,
        case when moves.sets_resolution then 'done' end
    ) as to_category_key,
    moves.transition_number
from moves
left join statuses as from_status on moves.from_status_id = from_status.status_id
left join statuses as to_status on moves.to_status_id = to_status.status_id
