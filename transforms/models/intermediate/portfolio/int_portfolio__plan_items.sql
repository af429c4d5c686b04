-- One plan item of either portfolio source, in one contract: a Smartsheet row of a plan sheet
-- (phase, task or milestone), or a project of the register as one item (its end is the one
-- milestone the register knows). Nothing is dropped: values a KPI cannot use are nulled for
-- that KPI and named in data_issues.
with sheets as (
    select * from {{ ref('stg_smartsheet__sheets') }}
    where is_plan_sheet
),

rows as (
    select * from {{ ref('stg_smartsheet__rows') }}
),

register as (
    select * from {{ ref('stg_spreadsheets__project_register') }}
),

rag_labels as (
    select * from {{ ref('int_portfolio__rag_labels') }}
),

parents as (
    select distinct parent_row_id as row_id from rows where parent_row_id is not null
),

smartsheet_items as (
    select
        'smartsheet' as source_system,
        coalesce(rows.source_project_id, sheets.source_project_id) as source_project_id,
        rows.row_id as plan_item_id,
        rows.sheet_id,
        rows.task_name as item_name,
        parents.row_id is not null as is_summary_row,
        coalesce(rows.is_milestone, false) and parents.row_id is null as is_milestone,
        rows.start_date,
        rows.finish_date,
        rows.baseline_start,
        rows.baseline_finish,
        rows.percent_complete as percent_complete_loaded,
        rows.status_label as rag_label,
        rows.budget,
        rows.actual_cost,
        rows.created_at
    from rows
    inner join sheets on rows.sheet_id = sheets.sheet_id
    left join parents on rows.row_id = parents.row_id
),

register_items as (
    select
        'project_register' as source_system,
        project_key as source_project_id,
        'register:' || project_key as plan_item_id,
        cast(null as varchar) as sheet_id,
        coalesce(project_name, project_key) || ' (project end)' as item_name,
        false as is_summary_row,
        true as is_milestone,
        baseline_start as start_date,
        forecast_end as finish_date,
        baseline_start,
        baseline_end as baseline_finish,
        cast(null as double) as percent_complete_loaded,
        rag_label,
        budget,
        actual_cost_to_date as actual_cost,
        cast(null as timestamp) as created_at
    from register
),

items as (
    select * from smartsheet_items
    union all
    select * from register_items
),

classified as (
    select
        items.*,
        -- Plan items that carry work: leaf tasks (Smartsheet) or the register's project.
        not items.is_summary_row
            and (not items.is_milestone or items.source_system = 'project_register')
            as is_work_item,
        coalesce(rag_labels.rag, 'unrated') as rag,
        coalesce(items.baseline_start, items.start_date) as planned_start,
        coalesce(items.baseline_finish, items.finish_date) as planned_finish
    from items
    left join rag_labels on items.rag_label = rag_labels.rag_label
)

select
    source_system,
    coalesce(source_project_id, 'sheet ' || sheet_id) as source_project_id,
    source_project_id is null as lacks_project_id,
    plan_item_id,
    sheet_id,
    item_name,
    is_summary_row,
    is_milestone,
    is_work_item,
    start_date,
    finish_date,
    baseline_start,
    baseline_finish,
    percent_complete_loaded,
    case when percent_complete_loaded between 0 and 1
        then 100.0 * percent_complete_loaded end as percent_complete_pct,
    -- Weight of the item in the % complete roll-ups: its planned length in calendar days
    -- (baseline window, else the scheduled one); 0 for phases and milestones.
    case when is_work_item and planned_finish >= planned_start
        then date_diff('day', planned_start, planned_finish) + 1 end as progress_weight_days,
    planned_start,
    planned_finish,
    rag_label,
    rag,
    -- Phase rows often roll their children up: only leaf rows count, never both.
    case when not is_summary_row then budget end as budget,
    case when not is_summary_row then actual_cost end as actual_cost,
    created_at,
    nullif(concat_ws(', ',
        case when source_project_id is null then 'no project id' end,
        case when is_milestone and baseline_finish is null then 'milestone without baseline' end,
        case when percent_complete_loaded not between 0 and 1
            then 'percent complete outside 0-100' end,
        case when is_work_item and source_system = 'smartsheet' and percent_complete_loaded is null
            then 'percent complete missing or not a number' end,
        case when rag = 'unknown' then 'unknown RAG label' end,
        case when planned_finish < planned_start then 'finish before start' end
    ), '') as data_issues
from classified
