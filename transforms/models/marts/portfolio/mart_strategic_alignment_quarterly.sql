-- Share of done work per strategic objective and quarter, including an unaligned row.
with work as (
    select * from {{ ref('int_pmo__done_work_by_objective') }}
),

objectives as (
    select * from {{ ref('stg_spreadsheets__strategic_objectives') }}
)

select
    work.quarter_start,
    coalesce(work.objective_id, '{{ var("unaligned_objective_id") }}') as objective_id,
    objectives.objective_name,
    objectives.weight,
    work.objective_id is not null as is_aligned,
    work.work_unit,
    work.work_done,
    100.0 * work.work_done / nullif(sum(work.work_done) over (partition by work.quarter_start), 0)
        as work_share_pct
from work
left join objectives on work.objective_id = objectives.objective_id
