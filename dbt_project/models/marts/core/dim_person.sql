{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_person_keys'), {'person_key': 'person_key'}) }}", "{{ refresh_statistics() }}"]
    )
}}
{#-
    One row per resolved person per period in which their surviving demographics held (type 2).

    Survivorship, per attribute, at every date any linked record changed: take each source system's latest statement
    on or before that date; prefer a recorded answer over not stated, refused, not known, invalid and blank (in that
    order); then the council's case management system, then the trust, then the Carers Hub; then the latest
    statement. Consecutive periods with identical results are merged.

    Incremental (delete+insert on person_key): a person's versions are recomputed when the fingerprint of their
    observations (how many, the sum of their load times and of a hash of their keys: observation_count,
    observations_loaded_seconds, observations_hash) differs from the stored one, when they are new, or when they
    have lost every observation; the post-hook removes the people the linkage no longer has (merged into another
    person).
-#}
{%- set attributes = person_attributes() %}

with all_observations as (

    select * from {{ ref('int_person_observations') }}

),

all_person_keys as (

    select distinct person_key from {{ ref('int_person_keys') }}

),

fingerprints as (

    select
        person_key,
        count(*) as observation_count,
        sum(cast(floor(
            {{ dbt.datediff("cast('2000-01-01 00:00:00' as timestamp)", 'loaded_at', 'second') }}
        ) as bigint)) as observations_loaded_seconds,
        sum({{ key_hash(dbt.concat(['source_system', "'|'", 'source_id'])) }}) as observations_hash
    from all_observations
    group by person_key

),

{% if is_incremental() %}
stored as (

    select
        person_key,
        max(observation_count) as observation_count,
        max(observations_loaded_seconds) as observations_loaded_seconds,
        max(observations_hash) as observations_hash
    from {{ this }}
    group by person_key

),

touched_people as (

    -- observed people who are new or whose observations changed
    select fingerprints.person_key
    from fingerprints
    left join stored on fingerprints.person_key = stored.person_key
    where
        stored.person_key is null
        or stored.observation_count is distinct from fingerprints.observation_count
        or stored.observations_loaded_seconds is distinct from fingerprints.observations_loaded_seconds
        or stored.observations_hash is distinct from fingerprints.observations_hash
    union
    -- people new to the linkage with no observations
    select all_person_keys.person_key
    from all_person_keys
    where not exists (select 1 from stored where stored.person_key = all_person_keys.person_key)
    union
    -- people who had observations and now have none
    select stored.person_key
    from stored
    where
        stored.observation_count is not null
        and not exists (select 1 from fingerprints where fingerprints.person_key = stored.person_key)

),
{% endif %}

observations as (

    select * from all_observations
    {%- if is_incremental() %}
    where all_observations.person_key in (select touched_people.person_key from touched_people)
    {%- endif %}

),

person_keys as (

    select * from all_person_keys
    {%- if is_incremental() %}
    where all_person_keys.person_key in (select touched_people.person_key from touched_people)
    {%- endif %}

),

statuses as (

    select * from {{ ref('recording_status') }}

),

long_observations as (

    {% for attribute in attributes %}
    select
        person_key,
        source_system,
        source_id,
        observed_on,
        '{{ attribute }}' as attribute,
        {%- if attribute == 'marriage_and_civil_partnership' %}
        marital_status as attribute_value
        {%- elif attribute == 'gender_reassignment' %}
        gender_same_as_birth as attribute_value
        {%- else %}
        cast({{ attribute }} as {{ dbt.type_string() }}) as attribute_value
        {%- endif %}
    from observations
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

intervals as (

    select
        long_observations.person_key,
        long_observations.source_system,
        long_observations.attribute,
        long_observations.attribute_value,
        long_observations.observed_on as valid_from,
        lead(long_observations.observed_on) over (
            partition by long_observations.person_key, long_observations.source_system, long_observations.attribute
            order by long_observations.observed_on, long_observations.source_id
        ) as valid_to,
        case
            when long_observations.attribute_value is null then 'missing'
            when statuses.recording_status is not null then statuses.recording_status
            else 'recorded'
        end as recording_status
    from long_observations
    left join statuses
        on long_observations.attribute = statuses.characteristic
        and long_observations.attribute_value = statuses.value

),

change_dates as (

    select distinct
        person_key,
        observed_on as change_date
    from observations

),

candidates as (

    select
        change_dates.person_key,
        change_dates.change_date,
        intervals.attribute,
        intervals.attribute_value,
        intervals.recording_status,
        intervals.source_system,
        row_number() over (
            partition by change_dates.person_key, change_dates.change_date, intervals.attribute
            order by
                {{ recording_status_rank('intervals.recording_status') }},
                {{ source_system_rank('intervals.source_system') }},
                intervals.valid_from desc
        ) as survivor_rank
    from change_dates
    inner join intervals
        on change_dates.person_key = intervals.person_key
        and change_dates.change_date >= intervals.valid_from
        and (intervals.valid_to is null or change_dates.change_date < intervals.valid_to)

),

states as (

    select
        person_key,
        change_date,
        {%- for attribute in attributes %}
        max(case when attribute = '{{ attribute }}' then attribute_value end) as {{ attribute }},
        max(case when attribute = '{{ attribute }}' then recording_status end) as {{ attribute }}_status,
        max(case when attribute = '{{ attribute }}' then source_system end) as {{ attribute }}_source
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from candidates
    where survivor_rank = 1
    group by person_key, change_date

),

fingerprinted as (

    select
        *,
        {%- set parts = [] %}
        {%- for attribute in attributes %}
        {%- do parts.append("coalesce(cast(" ~ attribute ~ " as " ~ dbt.type_string() ~ "), '~')") %}
        {%- do parts.append("coalesce(" ~ attribute ~ "_status, '~')") %}
        {%- endfor %}
        {{ dbt.hash(dbt.concat(parts)) }} as fingerprint
    from states

),

changes as (

    select
        *,
        lag(fingerprint) over (partition by person_key order by change_date) as previous_fingerprint
    from fingerprinted

),

periods as (

    select
        *,
        lead(change_date) over (partition by person_key order by change_date) as next_change_date
    from changes
    where previous_fingerprint is null or previous_fingerprint != fingerprint

),

observed_people as (

    select
        person_key,
        change_date as valid_from,
        next_change_date as valid_to,
        next_change_date is null as is_current,
        cast(birth_date as date) as birth_date,
        cast(death_date as date) as death_date,
        {%- for attribute in attributes if attribute not in ('birth_date', 'death_date') %}
        {{ attribute }},
        {%- endfor %}
        {%- for attribute in attributes %}
        {{ attribute }}_status,
        {{ attribute }}_source,
        {%- endfor %}
        fingerprint
    from periods

),

unobserved_people as (

    {#- People known only from contacts, safeguarding or as someone cared for: one row, nothing recorded. -#}
    select
        person_keys.person_key,
        cast('1900-01-01' as date) as valid_from,
        cast(null as date) as valid_to,
        true as is_current,
        cast(null as date) as birth_date,
        cast(null as date) as death_date,
        {%- for attribute in attributes if attribute not in ('birth_date', 'death_date') %}
        cast(null as {{ dbt.type_string() }}) as {{ attribute }},
        {%- endfor %}
        {%- for attribute in attributes %}
        'missing' as {{ attribute }}_status,
        cast(null as {{ dbt.type_string() }}) as {{ attribute }}_source,
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as fingerprint
    from person_keys
    where not exists (
        select 1 from observations
        where observations.person_key = person_keys.person_key
    )

),

unioned as (

    select * from observed_people
    union all
    select * from unobserved_people

),

fingerprinted_people as (

    select
        unioned.*,
        fingerprints.observation_count,
        fingerprints.observations_loaded_seconds,
        fingerprints.observations_hash
    from unioned
    left join fingerprints on unioned.person_key = fingerprints.person_key

),

final as (

    select
        {{ dbt.hash(dbt.concat(["person_key", "'|'", "cast(valid_from as " ~ dbt.type_string() ~ ")"])) }}
            as person_version_key,
        person_key,
        valid_from,
        valid_to,
        is_current,
        birth_date,
        cast({{ dbt.date_trunc('month', 'birth_date') }} as date) as birth_month,
        death_date,
        sex,
        ethnicity,
        religion,
        sexual_orientation,
        marriage_and_civil_partnership,
        gender_reassignment,
        disability,
        locality,
        case when birth_date is null then 'missing' else 'recorded' end as age_status,
        {%- for attribute in attributes %}
        {%- if attribute != 'birth_date' %}
        {{ attribute }}_status,
        {%- endif %}
        {{ attribute }}_source,
        {%- endfor %}
        -- No source records pregnancy or maternity: it is never recorded.
        cast(null as {{ dbt.type_string() }}) as pregnancy_and_maternity,
        'missing' as pregnancy_and_maternity_status,
        observation_count,
        observations_loaded_seconds,
        observations_hash
    from fingerprinted_people

)

select * from final
