{#- Classify a value delivery rate (0-100) against the configured performer benchmarks:
    at or above the high-performer rate, at or below the low-performer rate, or between. -#}
{% macro benchmark_class(rate_pct) -%}
    case
        when {{ rate_pct }} is null then null
        when {{ rate_pct }} >= {{ var('value_delivery_high_performer_pct') }}
            then 'high_performing'
        when {{ rate_pct }} <= {{ var('value_delivery_low_performer_pct') }}
            then 'low_performing'
        else 'between'
    end
{%- endmacro %}
