{#- Survey counting rules shared by every mart that reports them (the bands are vars). -#}

{#- Ratings at or above var top_box_min_score (4 of 5): satisfied / value delivered. -#}
{% macro count_top_box(score) -%}
    count(case when {{ score }} >= {{ var('top_box_min_score') }} then 1 end)
{%- endmacro %}

{#- NPS promoters: likelihood to recommend at or above var nps_promoter_min (9). -#}
{% macro count_promoters(likelihood) -%}
    count(case when {{ likelihood }} >= {{ var('nps_promoter_min') }} then 1 end)
{%- endmacro %}

{#- NPS detractors: likelihood to recommend at or below var nps_detractor_max (6). -#}
{% macro count_detractors(likelihood) -%}
    count(case when {{ likelihood }} <= {{ var('nps_detractor_max') }} then 1 end)
{%- endmacro %}
