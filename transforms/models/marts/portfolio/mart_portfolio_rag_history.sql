-- Each span a Smartsheet plan item held one RAG status, with its length in days up to the
-- as-of day (a span still current runs to it).
with intervals as (
    select * from {{ ref('int_portfolio__status_intervals') }}
),

projects as (
    select project_key, as_of_date from {{ ref('int_portfolio__projects') }}
)

select
    intervals.project_key,
    intervals.plan_item_id,
    intervals.rag,
    intervals.rag_label,
    intervals.valid_from,
    intervals.valid_to,
    greatest(
        date_diff(
            'second',
            intervals.valid_from,
            least(coalesce(intervals.valid_to, projects.as_of_date), projects.as_of_date)
        ),
        0
    ) / 86400.0 as days_held
from intervals
inner join projects on intervals.project_key = projects.project_key
