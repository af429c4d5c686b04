-- One survey wave and the calendar quarter it reports on: parsed from a 'YYYY-Qn' label,
-- otherwise the quarter of its last submission.
with responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
),

waves as (
    select
        wave,
        count(*) as respondents,
        min(submitted_at) as first_submitted_at,
        max(submitted_at) as last_submitted_at
    from responses
    group by wave
)

select
    wave,
    respondents,
    first_submitted_at,
    last_submitted_at,
    coalesce(
        case
            when regexp_matches(wave, '^[0-9]{4}-Q[1-4]$')
                then make_date(
                    cast(left(wave, 4) as integer),
                    3 * cast(right(wave, 1) as integer) - 2,
                    1
                )
        end,
        cast(date_trunc('quarter', last_submitted_at) as date)
    ) as quarter_start
from waves
