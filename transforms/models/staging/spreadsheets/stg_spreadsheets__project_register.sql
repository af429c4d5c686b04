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
    case upper(trim(rag))
        when 'R' then 'red'
        when 'RED' then 'red'
        when 'A' then 'amber'
        when 'AMBER' then 'amber'
        when 'G' then 'green'
        when 'GREEN' then 'green'
        else coalesce(nullif(lower(trim(rag)), ''), 'unrated')
    end as rag
from source
