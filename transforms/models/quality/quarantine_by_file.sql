-- One landed spreadsheet file (its latest version) with what loaded, what was quarantined and
-- why. A bad survey answer is quarantined alone (its response and other answers load), so a
-- file's share is the worse of its whole rows and its single answers.
with source_files as (
    select * from {{ source('raw_spreadsheets', 'source_files') }}
),

quarantine as (
    select * from {{ source('raw_spreadsheets', 'quarantine') }}
),

survey_answers as (
    select * from {{ source('raw_spreadsheets', 'survey_answers') }}
),

latest_files as (
    select *
    from source_files
    qualify row_number() over (partition by source_file order by seen_at desc) = 1
),

rows_per_reason as (
    select
        source_file,
        reason,
        count(distinct (source_sheet, source_row)) as quarantined_rows
    from quarantine
    group by source_file, reason
),

reasons_per_file as (
    select
        source_file,
        string_agg(
            reason || ' (' || quarantined_rows || ')', '; ' order by quarantined_rows desc
        ) as reasons
    from rows_per_reason
    group by source_file
),

answers_per_file as (
    select
        source_file,
        count(*) as answers_loaded
    from survey_answers
    group by source_file
),

shares as (
    select
        latest_files.*,
        coalesce(answers_per_file.answers_loaded, 0) as answers_loaded,
        round(
            100.0 * latest_files.rows_quarantined
            / nullif(latest_files.rows_loaded + latest_files.rows_quarantined, 0),
            2
        ) as rows_quarantined_pct,
        round(
            100.0 * latest_files.answers_quarantined
            / nullif(coalesce(answers_per_file.answers_loaded, 0) + latest_files.answers_quarantined, 0),
            2
        ) as answers_quarantined_pct
    from latest_files
    left join answers_per_file on latest_files.source_file = answers_per_file.source_file
)

select
    shares.source_file,
    shares.workbook,
    shares.status,
    shares.error,
    shares.rows_loaded,
    shares.rows_quarantined,
    shares.answers_loaded,
    shares.answers_quarantined,
    greatest(
        coalesce(shares.rows_quarantined_pct, 0), coalesce(shares.answers_quarantined_pct, 0)
    ) as quarantined_pct,
    reasons_per_file.reasons,
    shares.seen_at,
    shares.deleted_at
from shares
left join reasons_per_file on shares.source_file = reasons_per_file.source_file
order by quarantined_pct desc nulls last, shares.source_file
