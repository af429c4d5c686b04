{#- A model's row rules in one query (one node instead of one per column and rule): the key
    columns are unique together, the not_null columns never null, the accepted_values columns
    ({column: [values]}) hold only listed values (null passes, as in dbt's accepted_values).
    Fails with each row breaking a rule, the rules it breaks in failed_rules. -#}
{% test valid_rows(model, key=[], not_null=[], accepted_values={}) %}

with checked as (
    select
        *,
        concat_ws(', '
        {%- if key %},
            case when count(*) over (partition by {{ key | join(', ') }}) > 1
                then 'duplicate key' end
        {%- endif %}
        {%- for column in not_null %},
            case when {{ column }} is null then '{{ column }} is null' end
        {%- endfor %}
        {%- for column, values in accepted_values.items() %},
            case when cast({{ column }} as varchar) not in ('{{ values | join("', '") }}')
                then '{{ column }} not accepted' end
        {%- endfor %}
        ) as failed_rules
    from {{ model }}
)

select * from checked where failed_rules != ''

{% endtest %}
