with source as (
    select * from {{ source('raw_jira', 'changelog_items') }}
)

select
    history_id,
    item_index,
    issue_id,
    issue_key,
    -- The instant as UTC wall time (as `at time zone 'UTC'` gives, which converts through ICU
    -- at several times the CPU of reading the epoch on a 20M-row changelog).
    make_timestamp(epoch_us(changed_at)) as changed_at,
    author_account_id,
    field,
    field_id,
    from_value,
    from_string,
    to_value,
    to_string
from source
where not coalesce(is_deleted, false)
