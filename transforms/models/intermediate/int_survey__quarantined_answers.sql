-- Quarantined survey answers with the wave and stakeholder group of their (loaded) response:
-- what each customer mart counts as answers_quarantined next to its figures.
with quarantined as (
    select * from {{ ref('stg_spreadsheets__quarantined_answers') }}
),

responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
)

select
    quarantined.response_id,
    responses.wave,
    responses.stakeholder_group,
    quarantined.field,
    quarantined.service_id,
    quarantined.dimension,
    quarantined.reason
from quarantined
inner join responses on quarantined.response_id = responses.response_id
