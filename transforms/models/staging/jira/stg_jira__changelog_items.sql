with source as (
    select * from {{ source('raw_jira', 'changelog_items') }}
)

select
    history_id,
    item_index,
    issue_id,
    issue_key,
    changed_at at time zone 'UTC' as changed_at,
    author_account_id,
    field,
    field_id,
    from_value,
    from_string,
    to_value,
    to_string
from source
where not coalesce(is_deleted, false)
