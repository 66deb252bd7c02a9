{{ config(post_hook=["{{ refresh_statistics() }}"]) }}
{#-
    The assessment dimension: one row per assessment type and team (a junk dimension over the two code lists,
    cld_assessment_type x council_team, plus 'Not recorded' members for blanks), with the assessment's method.

    Method: the feeds carry no field for how an assessment was done (face to face, by telephone...). The only
    "how" the code lists distinguish is cld_assessment_type's joint assessment: a "Joint unpaid carer assessment"
    assesses the carer together with the person cared for; every other type assesses one person. So method is
    'Joint' or 'Single' ('Not recorded' when the type is blank). The type's purpose (needs of a service user, needs of
    an unpaid carer, or a financial assessment) and term (short or long term) are kept as separate attributes.
-#}

with assessment_types as (

    select value as assessment_type from {{ ref('cld_assessment_type') }}
    union all
    select 'Not recorded' as assessment_type

),

teams as (

    select team from {{ ref('council_team') }}
    union all
    select 'Not recorded' as team

),

localities as (

    select locality from {{ ref('locality') }}

),

combined as (

    select
        assessment_types.assessment_type,
        teams.team
    from assessment_types
    cross join teams

),

final as (

    select
        md5(combined.assessment_type || '|' || combined.team) as assessment_key,
        combined.assessment_type,
        case
            when combined.assessment_type = 'Not recorded' then 'Not recorded'
            when combined.assessment_type like 'Joint %' then 'Joint'
            else 'Single'
        end as assessment_method,
        case
            when combined.assessment_type in ('Short term assessment', 'Long term assessment') then 'Service user needs'
            when combined.assessment_type in ('Unpaid carer assessment', 'Joint unpaid carer assessment')
                then 'Unpaid carer needs'
            when combined.assessment_type = 'Financial assessment' then 'Financial'
            else 'Not recorded'
        end as assessment_purpose,
        case
            when combined.assessment_type = 'Short term assessment' then 'Short term'
            when combined.assessment_type = 'Long term assessment' then 'Long term'
        end as assessment_term,
        combined.assessment_type != 'Financial assessment' as is_social_work_assessment,
        combined.team,
        localities.locality as team_locality,
        case
            when combined.team in ('Adults Helpdesk', 'Referral Centre') then 'Front door'
            when combined.team like '% Locality Team' then 'Locality team'
            when combined.team = 'Not recorded' then 'Not recorded'
            else 'Specialist team'
        end as team_kind
    from combined
    left join localities on combined.team = localities.locality || ' Locality Team'

)

select * from final
