-- The plan items of each portfolio project from the source that takes precedence for it
-- (int_portfolio__projects), so no item is counted twice when both sources hold the project.
with items as (
    select * from {{ ref('int_portfolio__plan_items') }}
),

projects as (
    select * from {{ ref('int_portfolio__projects') }}
)

select
    projects.project_key,
    items.*
from items
inner join projects
    on items.source_system = projects.source_system
    and items.source_project_id = projects.source_project_id
