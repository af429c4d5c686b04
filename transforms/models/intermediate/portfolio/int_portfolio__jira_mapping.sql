-- The Jira side of the project mapping: each portfolio project's Jira project - the key the
-- seed portfolio_project_map gives it (an empty key: none), else its own key when Jira has a
-- project of that key; unmapped projects stay, flagged. The one place the plan meets Jira's
-- project list: the plan chain (int_portfolio__*, the slip and RAG marts) never reads Jira,
-- so a Jira load rebuilds only this and the marts that join delivery to the plan.
with projects as (
    select * from {{ ref('int_portfolio__projects') }}
),

jira_projects as (
    select * from {{ ref('stg_jira__projects') }}
),

mapped as (
    select
        projects.project_key,
        projects.is_in_project_map,
        case when projects.is_in_project_map then projects.mapped_jira_project_key
            else jira_projects.project_key end as jira_project_key
    from projects
    left join jira_projects on projects.source_project_id = jira_projects.project_key
)

select
    project_key,
    jira_project_key,
    case
        when is_in_project_map and jira_project_key is not null then 'seed'
        when is_in_project_map then 'seed: no Jira project'
        when jira_project_key is not null then 'same key'
        else 'unmapped'
    end as jira_mapping,
    jira_project_key is not null as is_mapped_to_jira
from mapped
