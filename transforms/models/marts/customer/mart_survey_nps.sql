-- Net Promoter Score per survey wave and stakeholder group, plus an all-groups row per wave.
with responses as (
    select * from {{ ref('stg_spreadsheets__survey_responses') }}
),

invitations as (
    select * from {{ ref('survey_invitations') }}
),

quarantined as (
    select response_id, count(*) as answers_quarantined
    from {{ ref('int_survey__quarantined_answers') }}
    where field = 'likelihood_to_recommend'
    group by response_id
),

invited_per_group as (
    select wave, stakeholder_group, invited from invitations
    union all
    select wave, '{{ var("all_groups_label") }}', sum(invited) from invitations group by wave
),

per_cell as (
    select
        wave,
        case
            when grouping(stakeholder_group) = 1 then '{{ var("all_groups_label") }}'
            else stakeholder_group
        end as stakeholder_group,
        count(likelihood_to_recommend) as respondents,
        {{ count_promoters('likelihood_to_recommend') }} as promoters,
        {{ count_detractors('likelihood_to_recommend') }} as detractors,
        coalesce(sum(quarantined.answers_quarantined), 0) as answers_quarantined
    from responses
    left join quarantined on responses.response_id = quarantined.response_id
    group by grouping sets ((wave, stakeholder_group), (wave))
    having count(likelihood_to_recommend) > 0
),

scored as (
    select
        *,
        respondents - promoters - detractors as passives,
        100.0 * promoters / respondents as promoter_pct,
        100.0 * detractors / respondents as detractor_pct,
        100.0 * (promoters - detractors) / respondents as nps
    from per_cell
)

select
    scored.wave,
    scored.stakeholder_group,
    scored.respondents,
    {{ is_small_cell('scored.respondents') }} as is_suppressed,
    {{ suppress_small_cell('promoters', 'scored.respondents') }} as promoters,
    {{ suppress_small_cell('passives', 'scored.respondents') }} as passives,
    {{ suppress_small_cell('detractors', 'scored.respondents') }} as detractors,
    {{ suppress_small_cell('promoter_pct', 'scored.respondents') }} as promoter_pct,
    {{ suppress_small_cell('detractor_pct', 'scored.respondents') }} as detractor_pct,
    {{ suppress_small_cell('nps', 'scored.respondents') }} as nps,
    invited_per_group.invited,
    100.0 * scored.respondents / nullif(invited_per_group.invited, 0) as response_rate_pct,
    scored.answers_quarantined
from scored
left join invited_per_group
    on scored.wave = invited_per_group.wave
    and scored.stakeholder_group = invited_per_group.stakeholder_group
