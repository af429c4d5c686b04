with source as (
    select * from {{ source('raw_spreadsheets', 'project_register') }}
)

select
    project_key,
    project_name,
    strategic_objective_id,
    sponsor,
    cast(budget as double) as budget,
    cast(actual_cost_to_date as double) as actual_cost_to_date,
    baseline_start,
    baseline_end,
    forecast_end,
    cast(planned_benefits as double) as planned_benefits,
    cast(realised_benefits as double) as realised_benefits,
    -- As entered: int_portfolio__rag_labels (seed portfolio_rag_labels) says which RAG it is.
    nullif(trim(rag), '') as rag_label
from source
