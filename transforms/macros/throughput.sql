{#- Throughput per project and `period` ('week', 'month') of the first move to done: the done
    issues, their story points and how many of them passed through a status the dimension does
    not know. One query for the weekly and the monthly mart, which differ only in the period. -#}
{% macro throughput(period) -%}
select
    project_id,
    project_key,
    {{ period_start(period, 'first_done_at') }} as {{ period }}_start,
    count(*) as issues_done,
    {{ sum_of_estimates('story_points') }} as story_points_done,
    count(case when has_unknown_status then 1 end) as issues_with_unknown_status
from {{ done_issues() }} as done_issues
group by project_id, project_key, {{ period_start(period, 'first_done_at') }}
{%- endmacro %}
