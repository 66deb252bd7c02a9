{{ config(post_hook=["{{ refresh_statistics() }}"]) }}
{#-
    National rule (national-rules.md, Client Level Data): short-term (ST-Max) service events of one person less than
    or equal to var('st_max_episode_days') (7) days apart are one episode. Services are spans, so "apart" is the gap
    from the latest end of the episode so far to the next event's start; an open event (no end) holds the episode
    open, so every later ST-Max event joins it. "Person" is the resolved person_key (see int_events__unique).
    An episode takes its start, team, locality and person details from its first event and its final outcome from its
    last event (latest start, then open, then latest end).
-#}

with st_max_services as (

    select * from {{ ref('int_events__unique') }}
    where
        event_type = 'Service'
        and service_type = 'Short term support: ST-Max'

),

running as (

    select
        st_max_services.*,
        max(coalesce(event_end_date, cast('9999-12-31' as date))) over (
            partition by person_key order by event_start_date, event_reference
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date
    from st_max_services

),

flagged as (

    select
        running.*,
        case
            when previous_end_date is null then 1
            when
                {{ dbt.datediff('previous_end_date', 'event_start_date', 'day') }}
                > {{ var('st_max_episode_days') }}
                then 1
            else 0
        end as starts_episode
    from running

),

numbered as (

    select
        flagged.*,
        sum(starts_episode) over (
            partition by person_key order by event_start_date, event_reference
            rows between unbounded preceding and current row
        ) as episode_number
    from flagged

),

windowed as (

    select
        numbered.*,
        row_number() over (
            partition by person_key, episode_number order by event_start_date, event_reference
        ) as position_in_episode,
        first_value(event_reference) over (
            partition by person_key, episode_number
            order by
                event_start_date desc,
                case when event_end_date is null then 0 else 1 end,
                event_end_date desc,
                event_reference desc
            rows between unbounded preceding and unbounded following
        ) as last_reference,
        first_value(event_outcome) over (
            partition by person_key, episode_number
            order by
                event_start_date desc,
                case when event_end_date is null then 0 else 1 end,
                event_end_date desc,
                event_reference desc
            rows between unbounded preceding and unbounded following
        ) as last_outcome,
        first_value(outcome_rank) over (
            partition by person_key, episode_number
            order by
                event_start_date desc,
                case when event_end_date is null then 0 else 1 end,
                event_end_date desc,
                event_reference desc
            rows between unbounded preceding and unbounded following
        ) as last_outcome_rank,
        count(*) over (partition by person_key, episode_number) as service_event_count,
        count(event_end_date) over (partition by person_key, episode_number) as closed_event_count,
        max(event_end_date) over (partition by person_key, episode_number) as latest_end_date,
        max(loaded_at) over (partition by person_key, episode_number) as episode_loaded_at
    from numbered

),

final as (

    select
        event_reference as st_max_episode_id,
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        event_start_date as episode_start_date,
        case when closed_event_count = service_event_count then latest_end_date end as episode_end_date,
        service_event_count,
        event_reference as first_event_reference,
        last_reference as last_event_reference,
        last_outcome as final_event_outcome,
        last_outcome_rank as final_outcome_rank,
        team,
        locality,
        primary_support_reason,
        gender,
        ethnicity,
        birth_date,
        death_date,
        age_at_start,
        age_band,
        working_age_band,
        person_event_count,
        episode_loaded_at as loaded_at
    from windowed
    where position_in_episode = 1

)

select * from final
