-- Per quarter: aligned and unaligned share of done work and the weighted alignment index
-- (null when no objective has a weight: unknown, not 0).
with alignment as (
    select * from {{ ref('mart_strategic_alignment_quarterly') }}
),

max_weight as (
    select max(weight) as weight from {{ ref('stg_spreadsheets__strategic_objectives') }}
)

select
    alignment.quarter_start,
    any_value(alignment.work_unit) as work_unit,
    sum(alignment.work_done) as work_done,
    coalesce(sum(case when alignment.is_aligned then alignment.work_share_pct end), 0)
        as aligned_work_share_pct,
    coalesce(sum(case when not alignment.is_aligned then alignment.work_share_pct end), 0)
        as unaligned_work_share_pct,
    case when any_value(max_weight.weight) is not null then coalesce(
        sum(case when alignment.is_aligned then alignment.work_share_pct * alignment.weight end)
        / nullif(any_value(max_weight.weight), 0),
        0
    ) end as weighted_alignment_pct
from alignment
cross join max_weight
group by alignment.quarter_start
