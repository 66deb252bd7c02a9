{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_events__unique'), {'service_episode_key': 'event_reference', 'person_key': 'person_key'}, {'event_type': 'Service'}) }}"]
    )
}}
{#-
    One row per service episode: a unique service event (national unique-event rule, int_events__unique), except that
    ST-Max events <= 7 days apart are one episode (int_services__st_max_episodes; the episode takes its service
    details and cost from its first event and its outcome from its last). Service details, setting and weekly cost
    come from int_services__service_events.
    ASCOF columns:
    - is_permanent_admission (2B/2C): a long-term residential or nursing service with no other long-term residential
      or nursing service of the person open on, or ending in the 7 days before, its start (transfers between
      residential and nursing care, and successive placements, are not admissions);
    - is_new_client and ascof_2a_status (2A), for ST-Max episodes: new = no long-term service open at the episode's
      start or ending in the 12 months before, and no short-term service (ST-Max episode or other) ending in the 3
      months before (the national rules' new-client test). A completed episode of a new client counts as
      'No further support' when its final outcome is an NFA outcome, 'Further support' when it progressed (to
      assessment, support planning or services, or continued); episodes ending in hospital admission, death or a
      move to another authority are 'Excluded'.
    Incremental (delete+insert on person_key), as fct_reviews: a person is recomputed when the fingerprint of their
    events in int_events__unique (count, sum of load times) differs from the one stored here; the post-hook removes
    rows whose event no longer exists as a unique service event of that person.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

),

all_services as (

    select * from {{ ref('int_services__service_events') }}

),

all_st_max_episodes as (

    select * from {{ ref('int_services__st_max_episodes') }}

),

{{ touched_people('services', 'all_services') }},

st_max_episodes as (

    select * from all_st_max_episodes
    {%- if is_incremental() %}
    where all_st_max_episodes.person_key in (select touched_people.person_key from touched_people)
    {%- endif %}

),

episodes as (

    select
        event_reference as service_episode_key,
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        event_start_date as episode_start_date,
        event_end_date as episode_end_date,
        event_outcome,
        outcome_rank,
        1 as service_event_count,
        event_reference as first_event_reference,
        event_reference as last_event_reference,
        service_type,
        service_group,
        service_component,
        delivery_mechanism,
        setting,
        provider_cqc_location_id,
        service_key,
        is_long_term,
        is_st_max,
        is_direct_payment,
        is_self_directed,
        unit_cost,
        cost_frequency,
        planned_units_per_week,
        cost_basis,
        weekly_cost,
        one_off_cost,
        primary_support_reason,
        age_at_start,
        age_band,
        working_age_band,
        team,
        locality,
        extract_date,
        loaded_at
    from services
    where not is_st_max

    union all

    select
        st_max_episodes.st_max_episode_id as service_episode_key,
        st_max_episodes.person_key,
        st_max_episodes.cld_person_key,
        st_max_episodes.council_person_id,
        st_max_episodes.client_type,
        st_max_episodes.episode_start_date,
        st_max_episodes.episode_end_date,
        st_max_episodes.final_event_outcome as event_outcome,
        st_max_episodes.final_outcome_rank as outcome_rank,
        st_max_episodes.service_event_count,
        st_max_episodes.first_event_reference,
        st_max_episodes.last_event_reference,
        first_services.service_type,
        first_services.service_group,
        first_services.service_component,
        first_services.delivery_mechanism,
        first_services.setting,
        first_services.provider_cqc_location_id,
        first_services.service_key,
        first_services.is_long_term,
        first_services.is_st_max,
        first_services.is_direct_payment,
        first_services.is_self_directed,
        first_services.unit_cost,
        first_services.cost_frequency,
        first_services.planned_units_per_week,
        first_services.cost_basis,
        first_services.weekly_cost,
        first_services.one_off_cost,
        st_max_episodes.primary_support_reason,
        st_max_episodes.age_at_start,
        st_max_episodes.age_band,
        st_max_episodes.working_age_band,
        st_max_episodes.team,
        st_max_episodes.locality,
        first_services.extract_date,
        st_max_episodes.loaded_at
    from st_max_episodes
    inner join services as first_services
        on st_max_episodes.first_event_reference = first_services.event_reference

),

care_home_placements as (

    select
        person_key,
        service_episode_key,
        episode_start_date,
        episode_end_date
    from episodes
    where is_long_term and setting in ('Residential', 'Nursing')

),

admissions as (

    select care_home_placements.service_episode_key
    from care_home_placements
    where not exists (
        select 1
        from care_home_placements as earlier
        where
            earlier.person_key = care_home_placements.person_key
            and earlier.service_episode_key != care_home_placements.service_episode_key
            and (
                earlier.episode_start_date < care_home_placements.episode_start_date
                or (
                    earlier.episode_start_date = care_home_placements.episode_start_date
                    and earlier.service_episode_key < care_home_placements.service_episode_key
                )
            )
            and (
                earlier.episode_end_date is null
                or earlier.episode_end_date
                >= {{ dbt.dateadd('day', -7, 'care_home_placements.episode_start_date') }}
            )
    )

),

new_st_max_clients as (

    select st_max.service_episode_key
    from episodes as st_max
    where
        st_max.is_st_max
        and not exists (
            select 1
            from episodes as long_term
            where
                long_term.person_key = st_max.person_key
                and long_term.is_long_term
                and long_term.episode_start_date <= st_max.episode_start_date
                and (
                    long_term.episode_end_date is null
                    or long_term.episode_end_date
                    >= {{ dbt.dateadd('month', -12, 'st_max.episode_start_date') }}
                )
        )
        and not exists (
            select 1
            from episodes as short_term
            where
                short_term.person_key = st_max.person_key
                and short_term.service_group = 'Short term support'
                and short_term.service_episode_key != st_max.service_episode_key
                and short_term.episode_end_date < st_max.episode_start_date
                and short_term.episode_end_date >= {{ dbt.dateadd('month', -3, 'st_max.episode_start_date') }}
        )

),

final as (

    select
        episodes.*,
        admissions.service_episode_key is not null as is_permanent_admission,
        case
            when episodes.is_st_max then new_st_max_clients.service_episode_key is not null
        end as is_new_client,
        case
            when not episodes.is_st_max or new_st_max_clients.service_episode_key is null then null
            when episodes.episode_end_date is null or episodes.event_outcome is null then null
            when episodes.event_outcome in (
                'Admitted to hospital',
                'NFA: Deceased',
                'NFA: Responsibility moved to another local authority'
            ) then 'Excluded'
            when episodes.event_outcome like 'NFA%' then 'No further support'
            else 'Further support'
        end as ascof_2a_status,
        person_fingerprints.fingerprint_event_count as person_event_count,
        person_fingerprints.fingerprint_loaded_seconds as person_loaded_seconds,
        person_fingerprints.fingerprint_events_hash as person_events_hash
    from episodes
    inner join person_fingerprints on episodes.person_key = person_fingerprints.person_key
    left join admissions on episodes.service_episode_key = admissions.service_episode_key
    left join new_st_max_clients on episodes.service_episode_key = new_st_max_clients.service_episode_key

)

select * from final
