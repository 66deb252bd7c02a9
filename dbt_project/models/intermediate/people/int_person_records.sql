{{
    config(
        materialized='incremental',
        unique_key=['source_system', 'source_id'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["delete from {{ this }} where is_removed", "{{ refresh_statistics() }}"]
    )
}}
{#-
    One row per source record to be linked into persons (ingestion/linkage.py reads this table).

    Every source row that describes a person becomes an observation; a record's value of each field is its
    most recent non-null observation (recency: observed_at, then loaded_at, then source_row). Council person ids
    referenced only outside the events (contacts, DoLS, concerns, the Carers Hub's Council ID, linked person
    ids) become 'council' records without demographics, so every id a fact carries gets a person key.

    Incremental (delete+insert on the record): a record is recomputed when the fingerprint of its observations
    (how many, and the sum of their load times: observation_count, observations_loaded_seconds) differs from
    the stored one (new rows, a corrected re-send, a new reference) or it is new. A stored record with no
    observation left is written once more as a tombstone (is_removed) that the post-hook deletes.
-#}
{%- set accented = 'áàâäãåāăąçćčďéèêëēėęěğíìîïīįıłñńňóòôöõøōőœŕřśšşťúùûüūůűųýÿźżž' -%}
{%- set plain = 'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnooooooooorrssstuuuuuuuuyyzzz' -%}

with

council_events as (

    select * from {{ ref('stg_council__events') }}

),

council_contacts as (

    select * from {{ ref('stg_council__contacts') }}

),

dols_applications as (

    select * from {{ ref('stg_council__dols_applications') }}

),

health_referrals as (

    select * from {{ ref('stg_health__referrals') }}

),

carers as (

    select * from {{ ref('stg_carers_hub__carers') }}

),

concerns as (

    select * from {{ ref('stg_safeguarding__concerns') }}

),

gender_to_cld as (

    select * from {{ ref('gender_to_cld') }}

),

-- one row per source row describing a person, in one shape

council_observations as (

    select
        'council' as source_system,
        council_person_id as source_id,
        council_person_id,
        nhs_number,
        first_name,
        last_name,
        birth_date,
        postcode,
        gender as sex,
        cast(extract_date as timestamp) as observed_at,
        loaded_at,
        source_row
    from council_events
    where council_person_id is not null

),

contact_observations as (

    select
        'council_contact' as source_system,
        contact_id as source_id,
        council_person_id,
        nhs_number,
        first_name,
        last_name,
        birth_date,
        postcode,
        gender as sex,
        cast(extract_date as timestamp) as observed_at,
        loaded_at,
        source_row
    from council_contacts
    where contact_id is not null

),

health_observations as (

    select
        'health' as source_system,
        health_referrals.trust_patient_id as source_id,
        cast(null as {{ dbt.type_string() }}) as council_person_id,
        health_referrals.nhs_number,
        health_referrals.first_name,
        health_referrals.last_name,
        health_referrals.birth_date,
        health_referrals.postcode,
        gender_to_cld.cld_gender as sex,
        cast(health_referrals.updated_at as timestamp) as observed_at,
        health_referrals.loaded_at,
        health_referrals.source_row
    from health_referrals
    left join gender_to_cld
        on health_referrals.nhs_gender_code = gender_to_cld.source_value
        and gender_to_cld.source_system = 'health'
    where health_referrals.trust_patient_id is not null

),

carer_names as (

    select
        carer_ref,
        trim(carer_name) as carer_name,
        trim(cared_for_name) as cared_for_name,
        birth_date,
        postcode,
        sex,
        cared_for_birth_date,
        cared_for_council_person_id,
        extract_date,
        loaded_at,
        source_row
    from carers
    where carer_ref is not null

),

carer_observations as (

    select
        'carers_hub' as source_system,
        carer_ref as source_id,
        cast(null as {{ dbt.type_string() }}) as council_person_id,
        cast(null as {{ dbt.type_string() }}) as nhs_number,
        -- "Forename Surname" in one field: the forename is the first word, the surname the rest
        {{ dbt.split_part('carer_name', "' '", 1) }} as first_name,
        nullif(trim(substr(carer_name, length({{ dbt.split_part('carer_name', "' '", 1) }}) + 1)), '') as last_name,
        birth_date,
        postcode,
        sex,
        cast(extract_date as timestamp) as observed_at,
        loaded_at,
        source_row
    from carer_names

),

cared_for_observations as (

    select
        'carers_hub_cared_for' as source_system,
        carer_ref as source_id,
        cared_for_council_person_id as council_person_id,
        cast(null as {{ dbt.type_string() }}) as nhs_number,
        {{ dbt.split_part('cared_for_name', "' '", 1) }} as first_name,
        nullif(
            trim(substr(cared_for_name, length({{ dbt.split_part('cared_for_name', "' '", 1) }}) + 1)), ''
        ) as last_name,
        cared_for_birth_date as birth_date,
        cast(null as {{ dbt.type_string() }}) as postcode,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(extract_date as timestamp) as observed_at,
        loaded_at,
        source_row
    from carer_names

),

concern_observations as (

    select
        'safeguarding' as source_system,
        concern_id as source_id,
        council_person_id,
        nhs_number,
        first_name,
        last_name,
        birth_date,
        postcode,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(extract_date as timestamp) as observed_at,
        loaded_at,
        source_row
    from concerns
    where concern_id is not null

),

-- council ids that facts carry but the events may not (they only contribute the id itself)

referenced_council_ids as (

    select council_person_id from council_contacts
    union
    select council_person_id from dols_applications
    union
    select council_person_id from concerns
    union
    select cared_for_council_person_id as council_person_id from carers
    union
    select linked_council_person_id as council_person_id from council_events

),

reference_observations as (

    select
        'council' as source_system,
        council_person_id as source_id,
        council_person_id,
        cast(null as {{ dbt.type_string() }}) as nhs_number,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as date) as birth_date,
        cast(null as {{ dbt.type_string() }}) as postcode,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(null as timestamp) as observed_at,
        cast(null as timestamp) as loaded_at,
        cast(null as bigint) as source_row
    from referenced_council_ids
    where council_person_id is not null

),

observations as (

    select * from council_observations
    union all
    select * from contact_observations
    union all
    select * from health_observations
    union all
    select * from carer_observations
    union all
    select * from cared_for_observations
    union all
    select * from concern_observations
    union all
    select * from reference_observations

),

fingerprints as (

    select
        source_system,
        source_id,
        count(*) as observation_count,
        sum(cast(floor(
            {{ dbt.datediff("cast('2000-01-01 00:00:00' as timestamp)", 'loaded_at', 'second') }}
        ) as bigint)) as observations_loaded_seconds
    from observations
    group by source_system, source_id

),

{% if is_incremental() %}
touched as (

    select
        fingerprints.source_system,
        fingerprints.source_id
    from fingerprints
    left join {{ this }} as kept
        on fingerprints.source_system = kept.source_system
        and fingerprints.source_id = kept.source_id
    where
        kept.source_id is null
        or kept.observation_count is distinct from fingerprints.observation_count
        or kept.observations_loaded_seconds is distinct from fingerprints.observations_loaded_seconds

),
{% endif %}

scoped_observations as (

    select observations.* from observations
    {%- if is_incremental() %}
    inner join touched
        on observations.source_system = touched.source_system
        and observations.source_id = touched.source_id
    {%- endif %}

),

-- each field's most recent non-null value: rank the observations per field, nulls last

ranked as (

    select
        source_system,
        source_id,
        council_person_id,
        row_number() over (
            partition by source_system, source_id
            order by
                case when council_person_id is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as council_person_id_rank,
        nhs_number,
        row_number() over (
            partition by source_system, source_id
            order by
                case when nhs_number is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as nhs_number_rank,
        first_name,
        row_number() over (
            partition by source_system, source_id
            order by
                case when first_name is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as first_name_rank,
        last_name,
        row_number() over (
            partition by source_system, source_id
            order by
                case when last_name is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as last_name_rank,
        birth_date,
        row_number() over (
            partition by source_system, source_id
            order by
                case when birth_date is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as birth_date_rank,
        postcode,
        row_number() over (
            partition by source_system, source_id
            order by
                case when postcode is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as postcode_rank,
        sex,
        row_number() over (
            partition by source_system, source_id
            order by
                case when sex is null then 1 else 0 end,
                observed_at desc nulls last,
                loaded_at desc nulls last,
                source_row desc nulls last
        ) as sex_rank
    from scoped_observations

),

records as (

    select
        source_system,
        source_id,
        max(case when council_person_id_rank = 1 then council_person_id end) as council_person_id,
        max(case when nhs_number_rank = 1 then nhs_number end) as nhs_number,
        max(case when first_name_rank = 1 then first_name end) as first_name,
        max(case when last_name_rank = 1 then last_name end) as last_name,
        max(case when birth_date_rank = 1 then birth_date end) as birth_date,
        max(case when postcode_rank = 1 then postcode end) as postcode,
        max(case when sex_rank = 1 then sex end) as sex
    from ranked
    group by source_system, source_id

),

-- linkage fields: lower case, accents stripped (translate is portable), letters only

standardised as (

    select
        source_system,
        source_id,
        council_person_id,
        nhs_number,
        first_name,
        last_name,
        birth_date,
        postcode,
        case when sex in ('Male', 'Female', 'Other', 'Unknown') then sex end as sex,
        nullif(
            regexp_replace(
                translate(lower(first_name), '{{ accented }}', '{{ plain }}'), '[^a-z]', '', 'g'
            ),
            ''
        ) as first_name_std,
        nullif(
            regexp_replace(
                translate(lower(last_name), '{{ accented }}', '{{ plain }}'), '[^a-z]', '', 'g'
            ),
            ''
        ) as last_name_std,
        nullif(lower(replace(postcode, ' ', '')), '') as postcode_std,
        nullif(lower({{ dbt.split_part('postcode', "' '", 1) }}), '') as postcode_district
    from records

),

final as (

    select
        standardised.source_system,
        standardised.source_id,
        standardised.council_person_id,
        standardised.nhs_number,
        standardised.first_name,
        standardised.last_name,
        standardised.birth_date,
        standardised.postcode,
        standardised.sex,
        standardised.first_name_std,
        standardised.last_name_std,
        standardised.postcode_std,
        standardised.postcode_district,
        case when standardised.sex in ('Male', 'Female') then lower(substr(standardised.sex, 1, 1)) end as sex_std,
        fingerprints.observation_count,
        fingerprints.observations_loaded_seconds,
        false as is_removed
    from standardised
    inner join fingerprints
        on standardised.source_system = fingerprints.source_system
        and standardised.source_id = fingerprints.source_id
    {%- if is_incremental() %}

    union all

    -- tombstones: stored records with no observation left (the post-hook deletes them)
    select
        kept.source_system,
        kept.source_id,
        {%- for column in ['council_person_id', 'nhs_number', 'first_name', 'last_name'] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(null as date) as birth_date,
        {%- for column in ['postcode', 'sex', 'first_name_std', 'last_name_std', 'postcode_std',
                           'postcode_district', 'sex_std'] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(null as bigint) as observation_count,
        cast(null as bigint) as observations_loaded_seconds,
        true as is_removed
    from {{ this }} as kept
    where not exists (
        select 1 from fingerprints
        where fingerprints.source_system = kept.source_system
            and fingerprints.source_id = kept.source_id
    )
    {%- endif %}

)

select * from final
