{#-
    The person fields the council's system holds today for each person (person_key, as in int_events__unique):
    person fields are repeated on every event row, so the person's most recently delivered event row (latest extract,
    then latest load, then latest start) carries the current values. Type 1: the feed keeps no history of person
    fields before the first file.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}

),

ranked as (

    select
        events.*,
        row_number() over (
            partition by person_key
            order by extract_date desc, loaded_at desc, event_start_date desc, event_reference desc
        ) as recency_rank
    from events

),

final as (

    select
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        birth_date,
        death_date,
        gender,
        ethnicity,
        primary_support_reason,
        accommodation_status,
        client_funding_status,
        has_unpaid_carer,
        locality,
        team,
        extract_date as attributes_extract_date
    from ranked
    where recency_rank = 1

)

select * from final
