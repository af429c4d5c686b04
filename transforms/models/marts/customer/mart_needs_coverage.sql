-- Share of recorded stakeholder needs addressed by at least one active PMO service, per
-- customer group and overall; null (not 0 %) until the service catalogue has landed.
with needs as (
    select * from {{ ref('stg_spreadsheets__needs_register') }}
),

links as (
    select * from {{ ref('int_pmo__need_services') }}
),

catalogue as (
    select count(*) > 0 as has_landed from {{ ref('stg_spreadsheets__service_catalogue') }}
),

need_coverage as (
    select
        needs.need_id,
        needs.customer_group,
        coalesce(bool_or(links.is_active_service), false) as is_covered
    from needs
    left join links on needs.need_id = links.need_id
    group by needs.need_id, needs.customer_group
)

select
    case
        when grouping(customer_group) = 1 then '{{ var("all_groups_label") }}'
        else coalesce(customer_group, '{{ var("unspecified_group_label") }}')
    end as customer_group,
    count(*) as needs,
    case when any_value(catalogue.has_landed) then count(case when is_covered then 1 end) end
        as needs_covered,
    case
        when any_value(catalogue.has_landed)
            then 100.0 * count(case when is_covered then 1 end) / count(*)
    end as needs_coverage_pct
from need_coverage
cross join catalogue
group by grouping sets ((customer_group), ())
-- no overall row before any need is recorded
having count(*) > 0
