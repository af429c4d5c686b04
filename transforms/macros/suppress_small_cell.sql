{#- Anonymity rule: a survey figure computed from fewer than var('min_cell_size') respondents
    is replaced by null; marts expose is_suppressed next to it. -#}
{% macro suppress_small_cell(value, respondents) -%}
    case when {{ respondents }} >= {{ var('min_cell_size') }} then {{ value }} end
{%- endmacro %}

{% macro is_small_cell(respondents) -%}
    ({{ respondents }} < {{ var('min_cell_size') }})
{%- endmacro %}
