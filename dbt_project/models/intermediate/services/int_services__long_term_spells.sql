{#-
    Spells of long-term support: a service user's (person_key, the person of int_events__unique) long-term services
    (service type group "Long term support") chained while each starts no more than `long_term_spell_gap_days`
    (default 7) days after the latest end so far, so that a change of service after a reassessment (old one ends, new
    one starts the next day) does not restart the clock for the yearly review. A spell is open (end date null) while
    any of its services is open.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}

),

service_types as (

    select
        value as service_type,
        "group" as service_group
    from {{ ref('cld_service_type') }}

),

long_term_services as (

    select
        events.person_key,
        events.event_reference,
        events.event_start_date,
        events.event_end_date
    from events
    inner join service_types on events.service_type = service_types.service_type
    where
        events.event_type = 'Service'
        and events.client_type = 'Service user'
        and service_types.service_group = 'Long term support'

),

ordered as (

    select
        long_term_services.*,
        max(coalesce(event_end_date, cast('9999-12-31' as date))) over (
            partition by person_key
            order by event_start_date, event_reference
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_end_date
    from long_term_services

),

flagged as (

    select
        ordered.*,
        case
            when previous_latest_end_date is null then 1
            when
                previous_latest_end_date
                < {{ dbt.dateadd('day', -1 * var('long_term_spell_gap_days', 7), 'event_start_date') }} then 1
            else 0
        end as starts_spell
    from ordered

),

numbered as (

    select
        flagged.*,
        sum(starts_spell) over (
            partition by person_key
            order by event_start_date, event_reference
            rows between unbounded preceding and current row
        ) as spell_number
    from flagged

),

final as (

    select
        person_key,
        cast(spell_number as integer) as spell_number,
        person_key || '-' || cast(cast(spell_number as integer) as {{ dbt.type_string() }}) as spell_key,
        min(event_start_date) as spell_start_date,
        case
            when max(case when event_end_date is null then 1 else 0 end) = 1 then null
            else max(event_end_date)
        end as spell_end_date,
        count(*) as service_count
    from numbered
    group by person_key, spell_number

)

select * from final
