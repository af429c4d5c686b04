with source as (
    select * from {{ source('raw_jira', 'projects') }}
)

select
    id as project_id,
    key as project_key,
    name as project_name,
    project_type_key,
    lead_account_id
from source
