with source as (
    select * from {{ source('raw_jira', 'statuses') }}
)

select
    id as status_id,
    name as status_name,
    lower(status_category_key) as status_category_key,
    status_category_name
from source
