{#- Compound-key uniqueness without a package dependency (dbt_utils would need a download).
    not_null: true also fails a key with a null column, in the same query (one node instead
    of one per column). -#}
{% test unique_combination_of_columns(model, columns, not_null=false) %}

with keyed as (
    select {{ columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
)

select *
from keyed
where n_rows > 1
{%- if not_null %}
    or {{ columns | join(' is null or ') }} is null
{%- endif %}

{% endtest %}
