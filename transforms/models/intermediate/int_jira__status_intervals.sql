-- One stretch of time a live issue spent in one status, with its statusCategory and waiting
-- flag from the status dimension (int_jira__statuses) joined here, on top of the incremental
-- history: a stretch entered by a move whose history set the resolution is done when the
-- dimension does not know its status, else unknown (null).
{{ config(materialized='view') }}

with stretches as (
    select * from {{ ref('int_jira__status_stretches') }}
    where issue_id in (select issue_id from {{ ref('stg_jira__issues') }})
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
