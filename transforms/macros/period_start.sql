{#- The first day of the calendar period ('week', 'month', 'quarter') holding a timestamp: how
    every mart buckets issues by period. -#}
{% macro period_start(period, column) -%}
    cast(date_trunc('{{ period }}', {{ column }}) as date)
{%- endmacro %}
