-- One live issue with its attributes, flow milestones and current statusCategory: the rows of
-- the incremental int_jira__issue_history not marked deleted. A view, so that a Jira
-- load rewrites no table of every issue; the bug flag follows the vars on every read.
{{ config(materialized='view') }}

with flow as (
    select * from {{ ref('int_jira__issue_history') }}
    where not is_deleted
)

select
    flow.* exclude (is_deleted, loaded_at, statuses_version),
    {{ is_bug_issue_type(
        'issue_type',
        "(select issues.issue_type_id from " ~ ref('stg_jira__issues')
            ~ " as issues where issues.issue_id = flow.issue_id)"
    ) }} as is_bug,
    current_category_key = 'done' as is_done,
    first_unknown_status_at is not null as has_unknown_status,
    {{ days_between('created_at', 'first_done_at') }} as lead_time_days,
    case
        when first_in_progress_at <= first_done_at
            then {{ days_between('first_in_progress_at', 'first_done_at') }}
    end as cycle_time_days
from flow
