{#- The interpolated percentile `fraction` (0.5, 0.85) of a column of days, to the thousandth:
    how every flow and age percentile is computed (an aggregate). -#}
{% macro percentile_days(fraction, days) -%}
    round(percentile_cont({{ fraction }}) within group (order by {{ days }}), 3)
{%- endmacro %}
