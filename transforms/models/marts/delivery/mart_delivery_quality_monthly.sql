-- Bug share and reopen rate of done issues per project and month of the first move to done.
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
)

select
    project_id,
    project_key,
    cast(date_trunc('month', first_done_at) as date) as month_start,
    count(*) as issues_done,
    count(case when is_bug then 1 end) as bugs_done,
    100.0 * count(case when is_bug then 1 end) / count(*) as bug_share_pct,
    count(case when reopen_count > 0 then 1 end) as issues_reopened,
    100.0 * count(case when reopen_count > 0 then 1 end) / count(*) as reopen_rate_pct
from lifecycle
group by project_id, project_key, cast(date_trunc('month', first_done_at) as date)
