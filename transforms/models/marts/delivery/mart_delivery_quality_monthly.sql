-- Bug share and reopen rate of done issues per project and month of the first move to done.
select
    project_id,
    project_key,
    {{ period_start('month', 'first_done_at') }} as month_start,
    count(*) as issues_done,
    count(case when is_bug then 1 end) as bugs_done,
    100.0 * count(case when is_bug then 1 end) / count(*) as bug_share_pct,
    count(case when reopen_count > 0 then 1 end) as issues_reopened,
    100.0 * count(case when reopen_count > 0 then 1 end) / count(*) as reopen_rate_pct,
    count(case when has_unknown_status then 1 end) as issues_with_unknown_status
from {{ done_issues() }} as done_issues
group by project_id, project_key, {{ period_start('month', 'first_done_at') }}
