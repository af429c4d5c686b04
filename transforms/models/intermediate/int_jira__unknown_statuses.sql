-- Status ids whose statusCategory is unknown (not in the overrides seed, /status or Jira's
-- built-in statuses, and not entered with a resolution) wherever the issues sat in them, with
-- how often and which issues: what the KPIs flagged has_unknown_status rest on. A WARN check
-- lists them; adding each to the seed status_flow_overrides resolves them.
with intervals as (
    select * from {{ ref('int_jira__status_intervals') }}
    where status_category_key is null
),

issues as (
    select issue_id, issue_key from {{ ref('stg_jira__issues') }}
),

statuses as (
    select * from {{ ref('int_jira__statuses') }}
)

select
    intervals.status_id,
    any_value(statuses.status_name) as status_name,
    count(*) as stretches,
    count(distinct intervals.issue_id) as issues,
    list_slice(list_sort(list_distinct(list(issues.issue_key))), 1, 100) as issue_keys_sample
from intervals
left join issues on intervals.issue_id = issues.issue_id
left join statuses on intervals.status_id = statuses.status_id
group by intervals.status_id
