{{
    config(
        materialized='incremental',
        unique_key='event_reference',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["delete from {{ this }} where is_deleted", "{{ refresh_statistics() }}"]
    )
}}
{#-
    One row per council event reference: its latest version (latest extract, then latest source row), with the
    national CLD derivations (person key, end date cropped at death, age at start from the first of the birth month,
    age bands). A deleted event's recomputed row is kept as a tombstone (is_deleted): delete+insert on the event
    reference replaces the kept row with it, and the post-hook then removes the tombstone, so a deletion also
    removes the row in an incremental run.
    Incremental: recompute only the event references touched since the last build: rows loaded later, deletions
    loaded later, events whose kept version came from a delivery that is no longer in force (corrected re-send),
    and events whose council person the linkage now gives another person key.
-#}

{#- stg_council__events is read once per use (no shared CTE), so that PostgreSQL inlines each read and filters it
    instead of materialising every version of every event. -#}
with deleted_events as (

    select * from {{ ref('stg_council__deleted_events') }}

),

person_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'council'

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys(ref('stg_council__events'), 'event_reference') }}
    union
    select deleted_events.event_reference from deleted_events
    where deleted_events.loaded_at > (
        select coalesce(max(kept.loaded_at), cast('1900-01-01' as timestamp)) from {{ this }} as kept
    )
    union
    -- the linkage now gives the council person another person key
    select t.event_reference
    from {{ this }} as t
    left join person_keys on t.council_person_id = person_keys.source_id
    where person_keys.person_key is distinct from t.person_key

),

scoped_events as (

    select * from {{ ref('stg_council__events') }}
    where event_reference in (select touched.event_reference from touched)

),
{% else %}
scoped_events as (

    select * from {{ ref('stg_council__events') }}

),
{% endif %}

ranked as (

    select
        scoped_events.*,
        row_number() over (
            partition by event_reference
            order by extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from scoped_events

),

latest as (

    select * from ranked
    where version_rank = 1

),

deletions as (

    select
        event_reference,
        max(deleted_at) as deleted_at,
        max(loaded_at) as loaded_at
    from deleted_events
    group by event_reference

),

derived as (

    select
        latest.event_reference,
        person_keys.person_key,
        case
            when latest.nhs_number is not null then latest.nhs_number
            when latest.council_person_id is not null
                then coalesce(latest.la_code, '{{ var("la_code") }}') || latest.council_person_id
        end as cld_person_key,
        latest.council_person_id,
        latest.nhs_number,
        latest.la_code,
        latest.client_type,
        latest.event_type,
        latest.event_start_date,
        case
            when
                latest.death_date is not null
                and (latest.event_end_date is null or latest.death_date < latest.event_end_date)
                and latest.death_date >= latest.event_start_date
                then latest.death_date
            else latest.event_end_date
        end as event_end_date,
        latest.event_end_date as event_end_date_as_delivered,
        latest.event_outcome,
        latest.route_of_access,
        latest.assessment_type,
        latest.eligible_needs_identified,
        latest.service_type,
        latest.service_component,
        latest.delivery_mechanism,
        latest.provider_cqc_location_id,
        latest.unit_cost,
        latest.cost_frequency,
        latest.planned_units_per_week,
        latest.review_reason,
        latest.review_outcomes_achieved,
        latest.primary_support_reason,
        latest.accommodation_status,
        latest.client_funding_status,
        latest.has_unpaid_carer,
        latest.linked_council_person_id,
        latest.team,
        latest.locality,
        latest.birth_date,
        latest.death_date,
        latest.gender,
        latest.ethnicity,
        latest.postcode,
        case
            when latest.birth_date is not null and latest.event_start_date is not null
                then
                    extract(year from latest.event_start_date) - extract(year from latest.birth_date)
                    - case
                        when extract(month from latest.event_start_date) < extract(month from latest.birth_date)
                            then 1
                        else 0
                    end
        end as age_at_start,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    left join person_keys on latest.council_person_id = person_keys.source_id

),

banded as (

    select
        derived.*,
        case
            when age_at_start is null then null
            when age_at_start < 18 then 'Under 18'
            when age_at_start <= 24 then '18-24'
            when age_at_start <= 44 then '25-44'
            when age_at_start <= 64 then '45-64'
            when age_at_start <= 74 then '65-74'
            when age_at_start <= 84 then '75-84'
            when age_at_start <= 94 then '85-94'
            else '95+'
        end as age_band,
        case
            when age_at_start is null or age_at_start < 18 then null
            when age_at_start <= 64 then '18-64'
            else '65+'
        end as working_age_band
    from derived

),

final as (

    select
        banded.*,
        deletions.deleted_at,
        deletions.event_reference is not null as is_deleted
    from banded
    left join deletions on banded.event_reference = deletions.event_reference

)

select * from final
