-- Survey answers the connector quarantined alone (a rating out of range, an unknown label):
-- their response loaded without them. The KPI marts count them next to the figures they
-- would have moved. Empty (with its columns) until the connector has written a quarantine
-- table with scope, field and response_id: before any spreadsheet landed, or in a
-- warehouse loaded by an older connector until a spreadsheet changes.
-- depends_on: {{ source('raw_spreadsheets', 'quarantine') }}
{%- set relation = source('raw_spreadsheets', 'quarantine') %}
{%- set stored = adapter.get_relation(
    database=relation.database, schema=relation.schema, identifier=relation.identifier
) if execute else none %}
{%- set loaded = adapter.get_columns_in_relation(stored) | map(attribute='name')
    | map('lower') | list if stored is not none else [] %}

{% if 'scope' in loaded -%}
with source as (
    select * from {{ relation }}
)

select
    response_id,
    field,
    case when field like '%|%' then split_part(field, '|', 1) end as service_id,
    case when field like '%|%' then split_part(field, '|', 2) end as dimension,
    reason,
    source_file,
    source_row
from source
where scope = 'answer'
{%- else -%}
select
    cast(null as varchar) as response_id,
    cast(null as varchar) as field,
    cast(null as varchar) as service_id,
    cast(null as varchar) as dimension,
    cast(null as varchar) as reason,
    cast(null as varchar) as source_file,
    cast(null as bigint) as source_row
where false
{%- endif %}
