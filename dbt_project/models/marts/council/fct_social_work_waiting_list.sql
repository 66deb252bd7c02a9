{{
    config(
        materialized='incremental',
        unique_key='request_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["
            delete from {{ this }} as stale
            where not exists (
                select 1 from {{ ref('fct_requests') }} as current_requests
                where current_requests.request_id = stale.request_id
                    and current_requests.person_key = stale.person_key
                    and current_requests.awaited_assessment
                    and stale.snapshot_date >= current_requests.request_start_date
                    and (
                        current_requests.waiting_ended_date is null
                        or stale.snapshot_date < current_requests.waiting_ended_date
                    )
            )
        ", "{{ refresh_statistics() }}"]
    )
}}
{#-
    The council's social work waiting list as a daily snapshot: one row per person and day on which they had a
    request awaiting its first assessment (fct_requests: awaited_assessment), from the request's start to the day
    before the wait ended (first following assessment started, next request, a service starting, or death), or to
    the day before the latest extract while still waiting (an extract lists events that started before its date).
    days_waiting is the days since the request on that day. A person's waits never overlap (a later request closes
    the earlier one's window), so a person is on the list at most once a day.
    Incremental (delete+insert on request_id): a request is rebuilt when its span (first and last day) or its
    person's fingerprint differs from what is stored - still-waiting requests gain a day every night; the post-hook
    removes the days of requests that no longer wait, or no longer waited on that day.
-#}

with requests as (

    select * from {{ ref('fct_requests') }}
    where awaited_assessment

),

calendar as (

    select date_day from {{ ref('dim_date') }}

),

latest_extract as (

    select max(extract_date) as latest_extract_date
    from {{ ref('int_events__latest') }}

),

spans as (

    select
        requests.*,
        case
            when requests.waiting_ended_date is null
                then cast({{ dbt.dateadd('day', -1, 'latest_extract.latest_extract_date') }} as date)
            else cast({{ dbt.dateadd('day', -1, 'requests.waiting_ended_date') }} as date)
        end as last_waiting_date
    from requests
    cross join latest_extract

),

waiting_spans as (

    select * from spans
    where last_waiting_date >= request_start_date

),

{% if is_incremental() %}
stored_spans as (

    select
        request_id,
        min(snapshot_date) as first_waiting_date,
        max(snapshot_date) as last_waiting_date,
        max(person_event_count) as person_event_count,
        max(person_loaded_seconds) as person_loaded_seconds,
        max(person_events_hash) as person_events_hash
    from {{ this }}
    group by request_id

),

touched_requests as (

    select waiting_spans.request_id
    from waiting_spans
    left join stored_spans on waiting_spans.request_id = stored_spans.request_id
    where
        stored_spans.request_id is null
        or stored_spans.first_waiting_date != waiting_spans.request_start_date
        or stored_spans.last_waiting_date != waiting_spans.last_waiting_date
        or stored_spans.person_event_count != waiting_spans.person_event_count
        or stored_spans.person_loaded_seconds != waiting_spans.person_loaded_seconds
        or stored_spans.person_events_hash != waiting_spans.person_events_hash

),

scoped_spans as (

    select * from waiting_spans
    where waiting_spans.request_id in (select touched_requests.request_id from touched_requests)

),
{% else %}
scoped_spans as (

    select * from waiting_spans

),
{% endif %}

days as (

    select
        scoped_spans.*,
        calendar.date_day as snapshot_date
    from scoped_spans
    inner join calendar
        on scoped_spans.request_start_date <= calendar.date_day
        and scoped_spans.last_waiting_date >= calendar.date_day

),

final as (

    select
        request_id || '|' || cast(snapshot_date as {{ dbt.type_string() }}) as waiting_list_key,
        snapshot_date,
        person_key,
        request_id,
        request_start_date,
        {{ dbt.datediff('request_start_date', 'snapshot_date', 'day') }}
            as days_waiting,
        team,
        locality,
        client_type,
        route_of_access,
        primary_support_reason_group,
        age_band,
        working_age_band,
        is_new_client,
        waiting_end_reason,
        person_event_count,
        person_loaded_seconds,
        person_events_hash
    from days

)

select * from final
