-- Throughput per project and month of the first move to done (sub-tasks left out).
with done_issues as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
)

select
    project_id,
    project_key,
    {{ period_start('month', 'first_done_at') }} as month_start,
    count(*) as issues_done,
    {{ sum_of_estimates('story_points') }} as story_points_done,
    count(case when has_unknown_status then 1 end) as issues_with_unknown_status
from done_issues
group by project_id, project_key, {{ period_start('month', 'first_done_at') }}
