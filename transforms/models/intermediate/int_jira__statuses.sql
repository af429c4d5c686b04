-- Every status id the site's data refers to (/status, changelog moves, current statuses, the
-- seeds), with one statusCategory by precedence: the seed status_flow_overrides, /status,
-- Jira's built-in statuses (seed jira_builtin_statuses), else null (unknown here; a move's
-- resolution may still tell, see int_jira__status_transitions).
with jira_statuses as (
    select * from {{ ref('stg_jira__statuses') }}
),

overrides as (
    select * from {{ ref('status_flow_overrides') }}
),

builtin as (
    select * from {{ ref('jira_builtin_statuses') }}
),

status_moves as (
    select from_value, from_string, to_value, to_string, changed_at
    from {{ ref('stg_jira__changelog_items') }}
    where field_id = 'status'
),

changelog_names as (
    select status_id, arg_max(status_name, changed_at) as status_name
    from (
        select from_value as status_id, from_string as status_name, changed_at
        from status_moves
        union all
        select to_value, to_string, changed_at
        from status_moves
    ) as named
    where status_id is not null
    group by status_id
),

status_ids as (
    select status_id from jira_statuses
    union
    select status_id from overrides
    union
    select status_id from builtin
    union
    select status_id from changelog_names
    union
    select status_id from {{ ref('stg_jira__issues') }} where status_id is not null
)

select
    status_ids.status_id,
    coalesce(jira_statuses.status_name, changelog_names.status_name, builtin.status_name)
        as status_name,
    coalesce(
        nullif(lower(overrides.status_category_key), ''),
        jira_statuses.status_category_key,
        builtin.status_category_key
    ) as status_category_key,
    case
        when nullif(overrides.status_category_key, '') is not null then 'override'
        when jira_statuses.status_category_key is not null then 'jira'
        when builtin.status_category_key is not null then 'builtin'
    end as category_source,
    coalesce(overrides.is_waiting, false) as is_waiting
from status_ids
left join jira_statuses on status_ids.status_id = jira_statuses.status_id
left join overrides on status_ids.status_id = overrides.status_id
left join builtin on status_ids.status_id = builtin.status_id
left join changelog_names on status_ids.status_id = changelog_names.status_id
