{{ config(severity='error', tags=['protects:fct_service_episodes'],
    meta={'rule': 'national-rules: short-term (ST-Max) service events <= 7 days apart are one episode'}) }}
{#- Consecutive ST-Max episodes of a person start more than var('st_max_episode_days') days after the previous
    episode ended (an open episode has no successor); every ST-Max event is in exactly one episode. -#}
with ordered as (

    select
        person_key,
        st_max_episode_id,
        episode_end_date,
        lead(episode_start_date) over (partition by person_key order by episode_start_date) as next_start_date
    from {{ ref('int_services__st_max_episodes') }}

),

too_close as (

    select person_key, st_max_episode_id, 'episodes too close' as problem
    from ordered
    where next_start_date is not null
        and (
            episode_end_date is null
            or {{ dbt.datediff('episode_end_date', 'next_start_date', 'day') }} <= {{ var('st_max_episode_days') }}
        )

),

counts as (

    select 'ST-Max events lost or doubled' as problem
    from {{ ref('int_services__st_max_episodes') }}
    having sum(service_event_count) != (
        select count(*) from {{ ref('int_events__unique') }}
        where event_type = 'Service' and service_type = 'Short term support: ST-Max'
    )

)

select person_key, st_max_episode_id, problem from too_close
union all
select null, null, problem from counts
