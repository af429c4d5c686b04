{#- Throughput per project and calendar period ('week' or 'month') of the first move to done:
    shared by the weekly and monthly marts so both count issues the same way. -#}
{% macro throughput_per_period(period) %}
with lifecycle as (
    select * from {{ ref('int_jira__issue_lifecycle') }}
    where first_done_at is not null
        and not is_subtask
)

select
    project_id,
    project_key,
    cast(date_trunc('{{ period }}', first_done_at) as date) as {{ period }}_start,
    count(*) as issues_done,
    coalesce(sum(story_points), 0) as story_points_done
from lifecycle
group by project_id, project_key, cast(date_trunc('{{ period }}', first_done_at) as date)
{% endmacro %}
