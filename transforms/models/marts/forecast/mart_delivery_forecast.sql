-- The latest delivery forecast: the trend's rows as of the latest as-of day.
with trend as (
    select * from {{ ref('mart_delivery_forecast_trend') }}
)

select *
from trend
where as_of_date = (select max(as_of_date) from trend)
