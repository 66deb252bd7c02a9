{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_events__unique'), {'event_reference': 'event_reference', 'person_key': 'person_key'}, {'event_type': 'Review'}) }}"]
    )
}}
{#-
    One row per unique review event (national unique-event rule, int_events__unique), with whether it was on time:
    a review of long-term support is due 12 months after the later of the person's previous completed review and the
    start of their spell of long-term support (int_services__long_term_spells).
    Incremental (delete+insert on person_key): a review's timeliness depends on the person's other events, so the
    unit of recomputation is the person, as in int_events__unique. A person is recomputed when the fingerprint of
    their events in int_events__unique (count and sum of load times) differs from the one stored here: new and
    restated events, deletions, corrected re-sends and linkage moving events between people all change it. The
    post-hook removes rows whose event is no longer a unique review event of that person (deleted, or superseded by a
    duplicate).
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

),

spells as (

    select * from {{ ref('int_services__long_term_spells') }}

),

all_reviews as (

    select * from events
    where event_type = 'Review'

),

{{ touched_people('reviews', 'all_reviews') }},

long_term_reviews as (

    select * from reviews
    where review_reason is null or review_reason != 'Review of short term support'

),

previous_completed as (

    select
        reviews.event_reference,
        max(earlier.event_end_date) as previous_review_completed_date
    from reviews
    inner join long_term_reviews as earlier
        on
        reviews.person_key = earlier.person_key
        and reviews.event_reference != earlier.event_reference
        and reviews.event_start_date >= earlier.event_end_date
    group by reviews.event_reference

),

with_spell as (

    select
        reviews.*,
        spells.spell_key as long_term_spell_key,
        spells.spell_start_date as long_term_spell_start_date,
        previous_completed.previous_review_completed_date,
        case
            when spells.spell_key is null then null
            when reviews.review_reason = 'Review of short term support' then null
            when previous_completed.previous_review_completed_date > spells.spell_start_date
                then previous_completed.previous_review_completed_date
            else spells.spell_start_date
        end as review_clock_start_date
    from reviews
    left join spells
        on
        reviews.person_key = spells.person_key
        and reviews.event_start_date >= spells.spell_start_date
        and (spells.spell_end_date is null or reviews.event_start_date <= spells.spell_end_date)
    left join previous_completed on reviews.event_reference = previous_completed.event_reference

),

shaped as (

    select
        event_reference as review_key,
        event_reference,
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        event_start_date as review_start_date,
        event_end_date as review_end_date,
        event_end_date is not null as is_completed,
        review_reason,
        case
            when review_reason = 'Planned review of long term support' then 'Planned'
            when review_reason = 'Unplanned review of long term support' then 'Unplanned'
            when review_reason = 'Review of short term support' then 'Short term'
        end as review_kind,
        coalesce(review_reason = 'Planned review of long term support', false) as is_planned,
        review_outcomes_achieved,
        case
            when review_outcomes_achieved in ('Fully', 'Partially') then true
            when review_outcomes_achieved = 'Not achieved' then false
        end as is_outcomes_achieved,
        event_outcome,
        outcome_rank,
        primary_support_reason,
        age_at_start,
        age_band,
        working_age_band,
        team,
        locality,
        long_term_spell_key,
        long_term_spell_start_date,
        previous_review_completed_date,
        case
            when review_clock_start_date is not null
                then cast({{ dbt.dateadd('month', 12, 'review_clock_start_date') }} as date)
        end as review_due_date,
        delivery_id,
        extract_date,
        loaded_at
    from with_spell

),

final as (

    select
        shaped.*,
        case
            when shaped.review_due_date is not null then shaped.review_start_date <= shaped.review_due_date
        end as is_on_time,
        case
            when shaped.review_due_date is null then null
            when shaped.review_start_date <= shaped.review_due_date then 0
            else {{ dbt.datediff('shaped.review_due_date', 'shaped.review_start_date', 'day') }}
        end as days_overdue_at_start,
        person_fingerprints.fingerprint_event_count as person_event_count,
        person_fingerprints.fingerprint_loaded_seconds as person_loaded_seconds,
        person_fingerprints.fingerprint_events_hash as person_events_hash
    from shaped
    inner join person_fingerprints on shaped.person_key = person_fingerprints.person_key

)

select * from final
