with source as (
    select * from {{ source('raw_spreadsheets', 'survey_responses') }}
)

select
    response_id,
    wave,
    submitted_at at time zone 'UTC' as submitted_at,
    respondent_token,
    coalesce(nullif(trim(stakeholder_group), ''), '{{ var("unspecified_group_label") }}')
        as stakeholder_group,
    business_unit,
    cast(overall_value as integer) as overall_value,
    cast(likelihood_to_recommend as integer) as likelihood_to_recommend,
    comment
from source
