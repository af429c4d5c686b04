{#- Mean of the given expressions that are not null (null when all are null), optionally
    weighted: the scorecard composes pillars and KPIs that may be missing in a quarter. -#}
{% macro mean_of_available(expressions, weights=none) -%}
    {%- set weights = weights or ([1] * expressions | length) -%}
    (
        ({% for e in expressions %}coalesce({{ weights[loop.index0] }} * ({{ e }}), 0){{ ' + ' if not loop.last }}{% endfor %})
        / nullif({% for e in expressions %}case when ({{ e }}) is null then 0 else {{ weights[loop.index0] }} end{{ ' + ' if not loop.last }}{% endfor %}, 0)
    )
{%- endmacro %}

{#- Attainment of a target as a 0-1 share, capped at 1; lower_is_better inverts the ratio.
    A case expression, not least(): least() skips nulls on DuckDB, and a missing KPI must
    stay missing. -#}
{% macro attainment(actual, target, lower_is_better=false) -%}
    {%- set ratio = ('(' ~ target ~ ') / nullif(' ~ actual ~ ', 0)') if lower_is_better
        else ('(' ~ actual ~ ') / nullif(' ~ target ~ ', 0)') -%}
    case when {{ ratio }} > 1 then 1.0 else {{ ratio }} end
{%- endmacro %}
