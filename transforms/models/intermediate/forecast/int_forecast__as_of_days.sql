-- The days the delivery forecast is made as of: the latest (var forecast_as_of, else the day
-- of the newest Jira activity, so that the same data gives the same forecast whatever day it
-- is built) and the same weekday of each of the var('forecast_trend_weeks') - 1 weeks before,
-- for the trend. Each is taken at the end of its day (cutoff_at, exclusive).
with latest as (
    select
        {%- if var('forecast_as_of') %}
        cast('{{ var("forecast_as_of") }}' as date) as as_of_date
        {%- else %}
        cast(max(updated_at) as date) as as_of_date
        {%- endif %}
    from {{ ref('stg_jira__issues') }}
),

days as (
    select
        cast(latest.as_of_date - to_days(cast(7 * weeks_back.weeks_back as integer)) as date)
            as as_of_date
    from latest
    cross join range({{ var('forecast_trend_weeks') }}) as weeks_back (weeks_back)
    where latest.as_of_date is not null
)

select
    as_of_date,
    cast(as_of_date + interval 1 day as timestamp) as cutoff_at
from days
