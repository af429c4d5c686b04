-- The status stretches of live issues: the incremental int_jira__status_interval_history
-- without deleted issues and its bookkeeping columns. A view: the filter costs less than a
-- copy of every stretch on each build.
{{ config(materialized='view') }}

select
    issue_id,
    interval_number,
    status_id,
    status_category_key,
    is_waiting,
    entered_at,
    left_at,
    duration_days
from {{ ref('int_jira__status_interval_history') }}
where issue_id in (select issue_id from {{ ref('stg_jira__issues') }})
