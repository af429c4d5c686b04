{#- Fails (or warns) when the model has rows but `column_name` is true in none of them,
    listing the values of `group_by` with their row counts: e.g. no issue type matched the
    configured bug types, so the bug share would silently be 0 %. -#}
{% test true_in_some_row(model, column_name, group_by) %}
select {{ group_by }}, count(*) as row_count
from {{ model }}
where not exists (select 1 from {{ model }} where {{ column_name }})
group by {{ group_by }}
{% endtest %}
