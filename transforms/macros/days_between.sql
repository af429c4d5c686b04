{#- The time from one timestamp to another in days, to the second: how every model measures
    durations (lead, cycle, time in status, age) in fractional days. -#}
{% macro days_between(start_at, end_at) -%}
    date_diff('second', {{ start_at }}, {{ end_at }}) / 86400.0
{%- endmacro %}
