{{ config(post_hook=["{{ refresh_statistics() }}"]) }}
{#-
    National rule (national-rules.md, Client Level Data): request events of one person less than or equal to
    var('request_cluster_days') (4) days apart are one request. Requests are chained by start date: a request starting
    at most 4 days after the previous request of the same person joins its cluster. "Person" is the resolved
    person_key (see int_events__unique).
    A clustered request takes its start, route of access, team, locality, client type and person details from its
    first request event; its outcome is the best-ranked outcome of its events (cld_event_outcome rank 1 first, as in
    the unique-event rule: a cluster that progressed anywhere progressed); its end is the latest end, or open while
    any of its events is open.
-#}

with requests as (

    select * from {{ ref('int_events__unique') }}
    where event_type = 'Request'

),

flagged as (

    select
        requests.*,
        case
            when lag(event_start_date) over (
                partition by person_key order by event_start_date, event_reference
            ) is null then 1
            when {{ dbt.datediff(
                "lag(event_start_date) over (partition by person_key order by event_start_date, event_reference)",
                'event_start_date', 'day') }} > {{ var('request_cluster_days') }} then 1
            else 0
        end as starts_cluster
    from requests

),

numbered as (

    select
        flagged.*,
        sum(starts_cluster) over (
            partition by person_key order by event_start_date, event_reference
            rows between unbounded preceding and current row
        ) as cluster_number
    from flagged

),

windowed as (

    select
        numbered.*,
        row_number() over (
            partition by person_key, cluster_number order by event_start_date, event_reference
        ) as position_in_cluster,
        first_value(event_outcome) over (
            partition by person_key, cluster_number
            order by coalesce(outcome_rank, 999), event_start_date desc, event_reference desc
            rows between unbounded preceding and unbounded following
        ) as best_event_outcome,
        first_value(outcome_rank) over (
            partition by person_key, cluster_number
            order by coalesce(outcome_rank, 999), event_start_date desc, event_reference desc
            rows between unbounded preceding and unbounded following
        ) as best_outcome_rank,
        count(*) over (partition by person_key, cluster_number) as request_event_count,
        count(event_end_date) over (partition by person_key, cluster_number) as closed_event_count,
        max(event_end_date) over (partition by person_key, cluster_number) as latest_end_date,
        max(event_start_date) over (partition by person_key, cluster_number) as last_event_start_date,
        max(event_reference) over (partition by person_key, cluster_number) as last_event_reference,
        max(loaded_at) over (partition by person_key, cluster_number) as cluster_loaded_at
    from numbered

),

final as (

    select
        event_reference as request_id,
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        event_start_date as request_start_date,
        case when closed_event_count = request_event_count then latest_end_date end as request_end_date,
        last_event_start_date,
        route_of_access,
        best_event_outcome as event_outcome,
        best_outcome_rank as outcome_rank,
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
        request_event_count,
        event_reference as first_event_reference,
        last_event_reference,
        person_event_count,
        cluster_loaded_at as loaded_at
    from windowed
    where position_in_cluster = 1

)

select * from final
