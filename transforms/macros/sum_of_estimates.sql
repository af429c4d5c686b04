{#- Story points of the issues matching `condition` (an aggregate): unestimated issues count
    0, no issue at all sums to 0, but issues none of which is estimated have no points (null),
    not 0: a team that does not estimate has delivered or committed nothing measurable in
    points, not nothing. -#}
{% macro sum_of_estimates(points, condition='true') -%}
    case
        when count(case when {{ condition }} then {{ points }} end) > 0
            or count(case when {{ condition }} then 1 end) = 0
            then coalesce(sum(case when {{ condition }} then {{ points }} end), 0)
    end
{%- endmacro %}
