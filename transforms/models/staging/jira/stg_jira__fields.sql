with source as (
    select * from {{ source('raw_jira', 'fields') }}
)

select
    id as field_id,
    name as field_name,
    custom as is_custom,
    schema_type,
    schema_custom,
    role as field_role
from source
