{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_events__latest'), {'event_reference': 'event_reference', 'person_key': 'person_key'}) }}", "{{ refresh_statistics() }}"]
    )
}}
{#-
    The national unique-event rule (national-rules.md, Client Level Data): the event reference is not trusted to
    identify an event. A unique event is person, client type, event type, start date, end date (not for services),
    plus route of access (requests), assessment type (assessments) or service type and component (services). Of
    duplicates keep the latest delivery, then an open end date, then the latest end date, then the outcome ranked
    highest in cld_event_outcome (rank 1 first); the event reference breaks any remaining tie.

    "Person" is the resolved person_key (linkage of NHS number, council id and demographics), not the row-level CLD
    person key: a delivery fault in one row's NHS number would otherwise split one person into two. Events whose
    council person has no person key, or no CLD person key (neither NHS number nor council id), are not counted.

    Incremental (delete+insert on person_key): a person is recomputed from their whole history when one of their
    events was loaded since the last build, or when their number of events changed (a deletion, or the linkage moved
    events between people). The post-hook removes rows whose event is no longer in int_events__latest under that
    person (deleted, or moved to another person by the linkage), which covers people left with no events.
-#}

with latest_events as (

    select * from {{ ref('int_events__latest') }}
    where person_key is not null and cld_person_key is not null

),

event_outcomes as (

    select
        value as event_outcome,
        cast(rank as integer) as outcome_rank
    from {{ ref('cld_event_outcome') }}

),

{% if is_incremental() %}
upstream_people as (

    select
        person_key,
        max(loaded_at) as max_loaded_at,
        count(*) as event_count
    from latest_events
    group by person_key

),

built_people as (

    select
        person_key,
        max(person_event_count) as event_count
    from {{ this }}
    group by person_key

),

touched_people as (

    select person_key from upstream_people
    where upstream_people.max_loaded_at > (select max(built.loaded_at) from {{ this }} as built)
    union
    select coalesce(upstream_people.person_key, built_people.person_key) as person_key
    from upstream_people
    full outer join built_people on upstream_people.person_key = built_people.person_key
    where upstream_people.event_count is distinct from built_people.event_count

),

events as (

    select latest_events.*
    from latest_events
    inner join touched_people on latest_events.person_key = touched_people.person_key

),
{% else %}
events as (

    select * from latest_events

),
{% endif %}

ranked as (

    select
        events.*,
        event_outcomes.outcome_rank,
        row_number() over (
            partition by
                events.person_key,
                events.client_type,
                events.event_type,
                events.event_start_date,
                case when events.event_type = 'Service' then null else events.event_end_date end,
                case when events.event_type = 'Request' then events.route_of_access end,
                case when events.event_type = 'Assessment' then events.assessment_type end,
                case when events.event_type = 'Service' then events.service_type end,
                case when events.event_type = 'Service' then events.service_component end
            order by
                events.extract_date desc,
                case when events.event_end_date is null then 0 else 1 end,
                events.event_end_date desc,
                coalesce(event_outcomes.outcome_rank, 999),
                events.event_reference desc
        ) as duplicate_rank,
        count(*) over (
            partition by
                events.person_key,
                events.client_type,
                events.event_type,
                events.event_start_date,
                case when events.event_type = 'Service' then null else events.event_end_date end,
                case when events.event_type = 'Request' then events.route_of_access end,
                case when events.event_type = 'Assessment' then events.assessment_type end,
                case when events.event_type = 'Service' then events.service_type end,
                case when events.event_type = 'Service' then events.service_component end
        ) as duplicate_count,
        count(*) over (partition by events.person_key) as person_event_count
    from events
    left join event_outcomes on events.event_outcome = event_outcomes.event_outcome

),

kept as (

    select
        event_reference,
        person_key,
        cld_person_key,
        council_person_id,
        nhs_number,
        client_type,
        event_type,
        event_start_date,
        event_end_date,
        event_end_date_as_delivered,
        event_outcome,
        outcome_rank,
        route_of_access,
        assessment_type,
        eligible_needs_identified,
        service_type,
        service_component,
        delivery_mechanism,
        provider_cqc_location_id,
        unit_cost,
        cost_frequency,
        planned_units_per_week,
        review_reason,
        review_outcomes_achieved,
        primary_support_reason,
        accommodation_status,
        client_funding_status,
        has_unpaid_carer,
        linked_council_person_id,
        team,
        locality,
        birth_date,
        death_date,
        gender,
        ethnicity,
        postcode,
        age_at_start,
        age_band,
        working_age_band,
        duplicate_count - 1 as duplicates_dropped,
        person_event_count,
        delivery_id,
        extract_date,
        loaded_at
    from ranked
    where duplicate_rank = 1

),

final as (

    select * from kept

)

select * from final
