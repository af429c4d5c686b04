-- Survey answers in long form: one rating of one service in one response, with the
-- respondent's wave and group and the service's catalogue attributes. A rating of a service
-- the catalogue does not list (no catalogue landed yet: the raw suite checks the service only
-- against a catalogue with rows) keeps its score, flagged is_catalogued_service = false.
with answers as (
    select * from {{ ref('stg_spreadsheets__survey_answers') }}
),

responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
),

services as (
    select * from {{ ref('stg_spreadsheets__service_catalogue') }}
)

select
    answers.response_id,
    responses.wave,
    responses.stakeholder_group,
    responses.business_unit,
    answers.service_id,
    services.service_name,
    services.value_ring_function,
    answers.dimension,
    answers.score,
    services.service_id is not null as is_catalogued_service
from answers
inner join responses on answers.response_id = responses.response_id
left join services on answers.service_id = services.service_id
where answers.score is not null
