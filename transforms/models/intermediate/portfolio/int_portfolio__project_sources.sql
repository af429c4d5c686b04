-- One project as one portfolio source knows it (Smartsheet plan sheets or the register),
-- keyed by the seed portfolio_project_map (its Jira key when the seed lists one, else the
-- source's id). Jira itself is not read here: whether Jira has a project of the same key is
-- int_portfolio__jira_mapping's question, so a Jira load does not rebuild the plan chain.
with items as (
    select * from {{ ref('int_portfolio__plan_items') }}
),

summary_fields as (
    select * from {{ ref('stg_smartsheet__summary_fields') }}
),

sheets as (
    select * from {{ ref('stg_smartsheet__sheets') }}
    where is_plan_sheet
),

register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

project_map as (
    select * from {{ ref('portfolio_project_map') }}
),

rag_labels as (
    select * from {{ ref('int_portfolio__rag_labels') }}
),

severity as (
    select * from (values ('red', 3), ('amber', 2), ('green', 1)) as s (rag, rank)
),

-- Project-level facts a plan sheet states in its summary (status, total budget).
sheet_summary as (
    select
        coalesce(sheets.source_project_id, 'sheet ' || sheets.sheet_id) as source_project_id,
        max(case when summary_fields.role = 'status' then summary_fields.field_value end)
            as rag_label,
        sum(case when summary_fields.role = 'budget' then summary_fields.number_value end)
            as budget
    from summary_fields
    inner join sheets on summary_fields.sheet_id = sheets.sheet_id
    group by 1
),

rolled_up as (
    select
        items.source_system,
        items.source_project_id,
        min(items.start_date) as start_date,
        min(items.baseline_start) as baseline_start,
        max(items.finish_date) as forecast_finish,
        max(items.baseline_finish) as baseline_finish,
        sum(items.budget) as items_budget,
        sum(items.actual_cost) as actual_cost,
        -- Worst current RAG of the items (red over amber over green).
        arg_max(items.rag, severity.rank) as worst_rag,
        count(*) as plan_items,
        count(*) filter (where items.is_milestone) as milestones,
        count(*) filter (where items.data_issues is not null) as items_with_data_issues
    from items
    left join severity on items.rag = severity.rag
    group by items.source_system, items.source_project_id
),

sheet_names as (
    select
        coalesce(source_project_id, 'sheet ' || sheet_id) as source_project_id,
        min(sheet_name) as sheet_name
    from sheets
    group by 1
),

projects as (
    select
        rolled_up.*,
        coalesce(register.project_name, sheet_names.sheet_name, rolled_up.source_project_id)
            as project_name,
        coalesce(sheet_summary.budget, rolled_up.items_budget) as budget,
        case
            when rolled_up.source_system = 'project_register'
                then coalesce(register_rag.rag, 'unrated')
            when sheet_summary.rag_label is null then coalesce(rolled_up.worst_rag, 'unrated')
            else summary_rag.rag
        end as rag
    from rolled_up
    left join register
        on rolled_up.source_system = 'project_register'
        and rolled_up.source_project_id = register.project_key
    left join sheet_summary
        on rolled_up.source_system = 'smartsheet'
        and rolled_up.source_project_id = sheet_summary.source_project_id
    left join rag_labels as register_rag on register.rag_label = register_rag.rag_label
    left join rag_labels as summary_rag on sheet_summary.rag_label = summary_rag.rag_label
    left join sheet_names
        on rolled_up.source_system = 'smartsheet'
        and rolled_up.source_project_id = sheet_names.source_project_id
),

mapped as (
    select
        projects.*,
        project_map.source_project_id is not null as is_in_project_map,
        nullif(trim(project_map.jira_project_key), '') as mapped_jira_project_key
    from projects
    left join project_map
        on projects.source_system = project_map.source_system
        and projects.source_project_id = project_map.source_project_id
)

select
    source_system,
    source_project_id,
    is_in_project_map,
    mapped_jira_project_key,
    -- The portfolio's key for the project: the Jira key the seed maps it to, else the source's
    -- id (which is the Jira key when Jira has a project of that key).
    coalesce(mapped_jira_project_key, source_project_id) as project_key,
    project_name,
    start_date,
    baseline_start,
    baseline_finish,
    forecast_finish,
    budget,
    actual_cost,
    rag,
    plan_items,
    milestones,
    items_with_data_issues
from mapped
