{#-
    The council's person-level incremental facts (fct_requests, fct_assessments, fct_reviews, fct_service_episodes)
    are rebuilt per person: a person's rows are replaced (unique_key person_key, delete+insert) when the events
    behind them changed. A person's fingerprint is the count of their events, the sum of the events' load times and
    the sum of a hash of their keys (key_hash: which events); each row stores it (person_event_count,
    person_loaded_seconds, person_events_hash). This emits the CTEs:

    - person_fingerprints: fingerprint_event_count, fingerprint_loaded_seconds and fingerprint_events_hash of each
      person in `rows`, over `events` (a CTE with person_key, loaded_at and event_reference);
    - on an incremental run, stored_fingerprints (from the table) and touched_people: the people whose
      fingerprint differs from the stored one, who are new, or who are no longer there;
    - `name`: the rows of `rows` of the touched people (on a full build, every row).
-#}
{% macro touched_people(name, rows, events='events') %}
person_fingerprints as (

    select
        person_key,
        count(*) as fingerprint_event_count,
        sum(cast(floor(
            {{ dbt.datediff("cast('2000-01-01 00:00:00' as timestamp)", 'loaded_at', 'second') }}
        ) as bigint)) as fingerprint_loaded_seconds,
        sum({{ key_hash(events ~ '.event_reference') }}) as fingerprint_events_hash
    from {{ events }}
    where {{ events }}.person_key in (select {{ rows }}.person_key from {{ rows }})
    group by person_key

),

{% if is_incremental() %}
stored_fingerprints as (

    select
        person_key,
        max(person_event_count) as person_event_count,
        max(person_loaded_seconds) as person_loaded_seconds,
        max(person_events_hash) as person_events_hash
    from {{ this }}
    group by person_key

),

touched_people as (

    select coalesce(person_fingerprints.person_key, stored_fingerprints.person_key) as person_key
    from person_fingerprints
    full outer join stored_fingerprints on person_fingerprints.person_key = stored_fingerprints.person_key
    where
        person_fingerprints.person_key is null
        or stored_fingerprints.person_key is null
        or person_fingerprints.fingerprint_event_count != stored_fingerprints.person_event_count
        or person_fingerprints.fingerprint_loaded_seconds != stored_fingerprints.person_loaded_seconds
        or person_fingerprints.fingerprint_events_hash != stored_fingerprints.person_events_hash

),
{% endif %}

{{ name }} as (

    select * from {{ rows }}
    {%- if is_incremental() %}
    where {{ rows }}.person_key in (select touched_people.person_key from touched_people)
    {%- endif %}

)
{% endmacro %}
