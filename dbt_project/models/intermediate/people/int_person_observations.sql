{{
    config(
        materialized='incremental',
        unique_key=['source_system', 'source_id'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_person_keys'), {'source_system': 'source_system', 'source_id': 'source_id', 'person_key': 'person_key'}) }}", "{{ refresh_statistics() }}"]
    )
}}
{#-
    What each source system said about a person's demographics, and from when: one row per source record each time
    its values changed (changes only). The input to dim_person's survivorship rules and its type 2 history.
    Incremental (delete+insert on the source record): a record's rows are recomputed from its whole history when
    rows of it were loaded since the last build, when a stored row's delivery is no longer in force (a corrected
    re-send), or when the linkage gives it another person key; the post-hook removes the rows of records that no
    longer have that person key (or no longer exist).
-#}
with person_keys as (

    select * from {{ ref('int_person_keys') }}

),

{% if is_incremental() %}
delivered_rows as (

    select
        'council' as source_system,
        council_person_id as source_id,
        delivery_id,
        loaded_at
    from {{ ref('stg_council__events') }}
    where council_person_id is not null
    union all
    select
        'health' as source_system,
        trust_patient_id as source_id,
        delivery_id,
        loaded_at
    from {{ ref('stg_health__referrals') }}
    where trust_patient_id is not null
    union all
    select
        'carers_hub' as source_system,
        carer_ref as source_id,
        delivery_id,
        loaded_at
    from {{ ref('stg_carers_hub__carers') }}

),

touched as (

    select
        delivered_rows.source_system,
        delivered_rows.source_id
    from delivered_rows
    where delivered_rows.loaded_at > (
        select coalesce(max(kept.loaded_at), cast('1900-01-01' as timestamp)) from {{ this }} as kept
    )
    union
    -- the stored row's delivery is no longer in force (superseded by a corrected re-send)
    select
        kept.source_system,
        kept.source_id
    from {{ this }} as kept
    where not exists (
        select 1 from delivered_rows
        where delivered_rows.source_system = kept.source_system
            and delivered_rows.source_id = kept.source_id
            and delivered_rows.delivery_id = kept.delivery_id
    )
    union
    -- the linkage now gives the record another person key
    select
        kept.source_system,
        kept.source_id
    from {{ this }} as kept
    left join person_keys
        on kept.source_system = person_keys.source_system
        and kept.source_id = person_keys.source_id
    where person_keys.person_key is distinct from kept.person_key

),
{% endif %}

council_events as (

    select * from {{ ref('stg_council__events') }}
    {%- if is_incremental() %}
    where council_person_id in (select touched.source_id from touched where touched.source_system = 'council')
    {%- endif %}

),

referrals as (

    select * from {{ ref('stg_health__referrals') }}
    {%- if is_incremental() %}
    where trust_patient_id in (select touched.source_id from touched where touched.source_system = 'health')
    {%- endif %}

),

carers as (

    select * from {{ ref('stg_carers_hub__carers') }}
    {%- if is_incremental() %}
    where carer_ref in (select touched.source_id from touched where touched.source_system = 'carers_hub')
    {%- endif %}

),

health_gender as (

    select
        source_value,
        cld_gender
    from {{ ref('gender_to_cld') }}
    where source_system = 'health'

),

health_ethnicity as (

    select
        source_value,
        cld_ethnicity
    from {{ ref('ethnicity_to_cld') }}
    where source_system = 'health'

),

hub_ethnicity as (

    select
        source_value,
        cld_ethnicity
    from {{ ref('ethnicity_to_cld') }}
    where source_system = 'carers_hub'

),

council_ranked as (

    select
        'council' as source_system,
        council_person_id as source_id,
        extract_date as observed_on,
        birth_date,
        death_date,
        gender as sex,
        ethnicity,
        religion,
        sexual_orientation,
        marital_status,
        gender_same_as_birth,
        disability,
        locality,
        delivery_id,
        loaded_at,
        row_number() over (
            partition by council_person_id, extract_date order by source_row desc
        ) as version_rank
    from council_events
    where council_person_id is not null

),

health_ranked as (

    select
        'health' as source_system,
        referrals.trust_patient_id as source_id,
        referrals.extract_date as observed_on,
        referrals.birth_date,
        cast(null as date) as death_date,
        health_gender.cld_gender as sex,
        health_ethnicity.cld_ethnicity as ethnicity,
        cast(null as {{ dbt.type_string() }}) as religion,
        cast(null as {{ dbt.type_string() }}) as sexual_orientation,
        cast(null as {{ dbt.type_string() }}) as marital_status,
        cast(null as {{ dbt.type_string() }}) as gender_same_as_birth,
        cast(null as {{ dbt.type_string() }}) as disability,
        cast(null as {{ dbt.type_string() }}) as locality,
        referrals.delivery_id,
        referrals.loaded_at,
        row_number() over (
            partition by referrals.trust_patient_id, referrals.extract_date
            order by referrals.updated_at desc, referrals.source_row desc
        ) as version_rank
    from referrals
    left join health_gender on referrals.nhs_gender_code = health_gender.source_value
    left join health_ethnicity on referrals.nhs_ethnic_category = health_ethnicity.source_value
    where referrals.trust_patient_id is not null

),

carers_ranked as (

    select
        'carers_hub' as source_system,
        carers.carer_ref as source_id,
        carers.extract_date as observed_on,
        carers.birth_date,
        cast(null as date) as death_date,
        carers.sex,
        hub_ethnicity.cld_ethnicity as ethnicity,
        cast(null as {{ dbt.type_string() }}) as religion,
        cast(null as {{ dbt.type_string() }}) as sexual_orientation,
        cast(null as {{ dbt.type_string() }}) as marital_status,
        cast(null as {{ dbt.type_string() }}) as gender_same_as_birth,
        cast(null as {{ dbt.type_string() }}) as disability,
        cast(null as {{ dbt.type_string() }}) as locality,
        carers.delivery_id,
        carers.loaded_at,
        row_number() over (
            partition by carers.carer_ref, carers.extract_date order by carers.source_row desc
        ) as version_rank
    from carers
    left join hub_ethnicity on carers.hub_ethnicity = hub_ethnicity.source_value

),

observations as (

    select * from council_ranked
    where version_rank = 1
    union all
    select * from health_ranked
    where version_rank = 1
    union all
    select * from carers_ranked
    where version_rank = 1

),

fingerprinted as (

    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(cast(birth_date as " ~ dbt.type_string() ~ "), '~')",
            "coalesce(cast(death_date as " ~ dbt.type_string() ~ "), '~')",
            "coalesce(sex, '~')", "coalesce(ethnicity, '~')", "coalesce(religion, '~')",
            "coalesce(sexual_orientation, '~')", "coalesce(marital_status, '~')",
            "coalesce(gender_same_as_birth, '~')", "coalesce(disability, '~')", "coalesce(locality, '~')",
        ])) }} as fingerprint
    from observations

),

changes as (

    select
        *,
        lag(fingerprint) over (partition by source_system, source_id order by observed_on) as previous_fingerprint
    from fingerprinted

),

final as (

    select
        person_keys.person_key,
        changes.source_system,
        changes.source_id,
        changes.observed_on,
        changes.birth_date,
        changes.death_date,
        changes.sex,
        changes.ethnicity,
        changes.religion,
        changes.sexual_orientation,
        changes.marital_status,
        changes.gender_same_as_birth,
        changes.disability,
        changes.locality,
        changes.delivery_id,
        changes.loaded_at
    from changes
    inner join person_keys
        on changes.source_system = person_keys.source_system
        and changes.source_id = person_keys.source_id
    where changes.previous_fingerprint is null or changes.previous_fingerprint != changes.fingerprint

)

select * from final
