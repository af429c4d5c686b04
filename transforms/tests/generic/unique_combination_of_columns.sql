{#- Compound-key uniqueness without a package dependency (dbt_utils would need a download). -#}
{% test unique_combination_of_columns(model, columns) %}

with keyed as (
    select {{ columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
)

select *
from keyed
where n_rows > 1

{% endtest %}
