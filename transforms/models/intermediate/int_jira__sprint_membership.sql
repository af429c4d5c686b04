-- One stretch of time during which an issue belonged to a sprint, rebuilt from the changelog
-- of the site's sprint field: before its first sprint change an issue had the change's
-- from-list since creation; issues whose sprints never changed keep their current sprints.
with sprint_fields as (
    select field_id from {{ ref('stg_jira__fields') }}
    where field_role = 'sprint'
),

issues as (
    select issue_id, created_at from {{ ref('stg_jira__issues') }}
),

events as (
    select
        issue_id,
        changed_at,
        coalesce(from_value, '') as from_list,
        coalesce(to_value, '') as to_list,
        row_number() over issue_order as event_number,
        lead(changed_at) over issue_order as next_changed_at
    from {{ ref('stg_jira__changelog_items') }}
    where field_id in (select field_id from sprint_fields)
        and issue_id in (select issue_id from issues)
    window issue_order as (
        partition by issue_id
        order by changed_at, try_cast(history_id as bigint), history_id, item_index
    )
),

current_lists as (
    select issue_id, string_agg(sprint_id, ',') as sprint_list
    from {{ ref('stg_jira__issue_sprints') }}
    group by issue_id
),

stretches as (
    select events.issue_id, issues.created_at as valid_from, events.changed_at as valid_to,
        events.from_list as sprint_list
    from events
    inner join issues on events.issue_id = issues.issue_id
    where events.event_number = 1
    union all
    select issue_id, changed_at, next_changed_at, to_list
    from events
    union all
    select current_lists.issue_id, issues.created_at, null, current_lists.sprint_list
    from current_lists
    inner join issues on current_lists.issue_id = issues.issue_id
    where current_lists.issue_id not in (select issue_id from events)
),

members as (
    select
        issue_id,
        trim(unnest(string_split(sprint_list, ','))) as sprint_id,
        valid_from,
        valid_to
    from stretches
)

select * from members
where sprint_id <> ''
