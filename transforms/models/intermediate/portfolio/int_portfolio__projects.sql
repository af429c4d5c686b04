-- One portfolio project, from the source that takes precedence (var
-- portfolio_source_precedence, default Smartsheet before the register: the PPM tool is where
-- the plan is kept, the register is retyped from it). A project both sources hold is counted
-- once; conflicting_fields names the facts on which the other source disagrees.
{%- set precedence = var('portfolio_source_precedence') %}
{%- set as_of = var('portfolio_as_of') %}

with sources as (
    select
        *,
        case source_system
        {%- for source in precedence %}
            when '{{ source }}' then {{ loop.index }}
        {%- endfor %}
            else {{ precedence | length + 1 }}
        end as precedence
    from {{ ref('int_portfolio__project_sources') }}
),

ranked as (
    select
        *,
        row_number() over (partition by project_key order by precedence, source_system)
            as source_rank,
        count(*) over (partition by project_key) as source_count
    from sources
),

chosen as (
    select * from ranked where source_rank = 1
),

others as (
    select
        project_key,
        string_agg(source_system, ', ' order by source_rank) as other_sources,
        bool_or(baseline_finish is distinct from chosen_baseline_finish) as baseline_differs,
        bool_or(forecast_finish is distinct from chosen_forecast_finish) as forecast_differs,
        bool_or(budget is distinct from chosen_budget) as budget_differs,
        bool_or(rag is distinct from chosen_rag) as rag_differs
    from (
        select
            ranked.*,
            chosen.baseline_finish as chosen_baseline_finish,
            chosen.forecast_finish as chosen_forecast_finish,
            chosen.budget as chosen_budget,
            chosen.rag as chosen_rag
        from ranked
        inner join chosen on ranked.project_key = chosen.project_key
        where ranked.source_rank > 1
    )
    group by project_key
)

select
    chosen.project_key,
    chosen.source_system,
    chosen.source_project_id,
    others.other_sources,
    chosen.is_in_project_map,
    chosen.mapped_jira_project_key,
    chosen.project_name,
    chosen.start_date,
    chosen.baseline_start,
    chosen.baseline_finish,
    chosen.forecast_finish,
    chosen.budget,
    chosen.actual_cost,
    chosen.rag,
    chosen.plan_items,
    chosen.milestones,
    chosen.items_with_data_issues,
    nullif(concat_ws(', ',
        case when others.baseline_differs then 'baseline finish' end,
        case when others.forecast_differs then 'forecast finish' end,
        case when others.budget_differs then 'budget' end,
        case when others.rag_differs then 'RAG' end
    ), '') as conflicting_fields,
    -- The day planned progress and time red are measured at.
    {{ "date '" ~ as_of ~ "'" if as_of else 'current_date' }} as as_of_date
from chosen
left join others on chosen.project_key = others.project_key
