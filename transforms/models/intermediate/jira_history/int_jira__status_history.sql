-- One status move of one issue, numbered per issue in time order, with the time of the
-- issue's next move: the incremental history of the changelog's status items, from which
-- int_jira__status_transitions and int_jira__status_intervals are built. It holds status ids
-- only: their statusCategory comes from the status dimension, joined downstream, so a status
-- recategorised needs no rebuild here. Incremental by issue (configured for the folder in
-- dbt_project.yml): the issues loaded since the last build (see
-- macros/issues_loaded_since_last_build.sql) are rebuilt whole, so a changelog that grew or
-- was rewritten replaces the issue's moves; deleted issues are filtered downstream.
with issues as (
    select issue_id, loaded_at from {{ ref('stg_jira__issues') }}
    where {{ issues_loaded_since_last_build() }}
),

status_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
    where field_id = 'status'
),

-- Jira resolves issues on their way to done: a move in such a history is into a done status.
-- (Read apart from the status items: one field_id each filters the 20M-row changelog inside
-- its scan, where a list of two is applied after it.)
resolving_histories as (
    select distinct issue_id, history_id
    from {{ ref('stg_jira__changelog_items') }}
    where field_id = 'resolution'
        and to_value is not null
        and issue_id in (select issue_id from issues)
),

moves as (
    select
        items.issue_id,
        items.history_id,
        items.item_index,
        items.changed_at,
        items.from_value as from_status_id,
        items.to_value as to_status_id,
        resolving_histories.history_id is not null as sets_resolution,
        issues.loaded_at
    from status_items as items
    inner join issues on items.issue_id = issues.issue_id
    left join resolving_histories
        on items.issue_id = resolving_histories.issue_id
        and items.history_id = resolving_histories.history_id
)

-- One window (one sort) numbers the moves and looks at the previous and the next one.
select
    issue_id,
    history_id,
    item_index,
    changed_at,
    from_status_id,
    to_status_id,
    sets_resolution,
    coalesce(
        lag(to_status_id) over issue_order = from_status_id
            and lag(sets_resolution) over issue_order,
        false
    ) as follows_a_resolving_move,
    row_number() over issue_order as transition_number,
    lead(changed_at) over issue_order as next_changed_at,
    loaded_at
from moves
window issue_order as (
    partition by issue_id
    order by changed_at, try_cast(history_id as bigint), history_id, item_index
)
