-- Workflow statuses with the site's configured overrides (seed status_flow_overrides) applied.
with statuses as (
    select * from {{ ref('stg_jira__statuses') }}
),

overrides as (
    select * from {{ ref('status_flow_overrides') }}
)

select
    statuses.status_id,
    statuses.status_name,
    coalesce(nullif(lower(overrides.status_category_key), ''), statuses.status_category_key)
        as status_category_key,
    coalesce(overrides.is_waiting, false) as is_waiting
from statuses
left join overrides on statuses.status_id = overrides.status_id
