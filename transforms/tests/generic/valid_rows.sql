{#- A model's row rules in one query (one node instead of one per column and rule): the key
    columns are unique together, the not_null columns never null, the accepted_values columns
    ({column: [values]}) hold only listed values (null passes, as in dbt's accepted_values).
    Fails with each row breaking a rule, the rules it breaks in failed_rules. The rules in
    words are the test's meta description, which Dagster shows as the check's description (its
    name, valid_rows_<model>..., says no more than that). -#}
{% test valid_rows(model, key=[], not_null=[], accepted_values={}) %}
{%- set rules = [] %}
{%- if key %}{% do rules.append('key (' ~ key | join(', ') ~ ') unique') %}{% endif %}
{%- if not_null %}{% do rules.append(not_null | join(', ') ~ ' not null') %}{% endif %}
{%- for column, values in accepted_values.items() %}
    {%- do rules.append(column ~ ' in (' ~ values | join(', ') ~ ')') %}
{%- endfor %}
{{ config(meta={'description': 'Each row keeps every rule: ' ~ rules | join('; ')
    ~ '. A failing row names the rules it breaks in failed_rules.'}) }}

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
