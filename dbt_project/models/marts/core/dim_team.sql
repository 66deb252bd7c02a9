{#- Council teams (ref council_team) and the trust's teams seen in its referrals, each with its locality. -#}
with council_teams as (

    select team from {{ ref('council_team') }}

),

trust_teams as (

    select distinct
        trust_team as team,
        service
    from {{ ref('stg_health__referrals') }}
    where trust_team is not null

),

localities as (

    select locality from {{ ref('locality') }}

),

teams as (

    select
        team,
        'council' as organisation,
        cast(null as {{ dbt.type_string() }}) as service
    from council_teams

    union all

    select
        team,
        'health' as organisation,
        service
    from trust_teams

),

final as (

    select
        teams.team,
        teams.organisation,
        teams.service,
        localities.locality,
        teams.team in ('Adults Helpdesk', 'Referral Centre') as is_front_door
    from teams
    left join localities
        on teams.team like '%' || localities.locality || '%'

)

select * from final
