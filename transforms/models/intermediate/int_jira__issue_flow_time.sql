-- Active versus waiting time inside each done issue's cycle (first in progress -> first done),
-- computed per issue by the incremental int_jira__issue_flow_history: the issues of
-- int_jira__issue_lifecycle whose cycle window holds some stretch.
{{ config(materialized='view') }}

select issue_id, active_days, waiting_days
from {{ ref('int_jira__issue_lifecycle') }}
where active_days is not null
