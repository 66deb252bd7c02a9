{{
    config(
        materialized='incremental',
        unique_key='carer_ref',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where delivery_id not in (select delivery_id from {{ ref('stg_carers_hub__carers') }})"
        ]
    )
}}
{#-
    Every version of every carer the Carers Hub registered: the monthly Carers sheet restates every carer ever
    registered and raw keeps each distinct version once (changes only), so a version is in force from its extract
    date until the next version's. Ethnicity is mapped from the hub's short list to CLD Release 2
    (ref ethnicity_to_cld); a value ingestion could not map (fault `unknown` in ingest.field_flags, nulled in raw)
    becomes "Invalid and not mapped", kept distinct from a blank.
    Incremental (delete+insert on carer_ref, every version of a touched carer): carers with rows loaded since the
    last build, or with a kept version whose delivery is no longer in force (corrected re-send), are recomputed from
    their full history; the post-hook drops versions of deliveries no longer in force.
-#}

with carers as (

    select * from {{ ref('stg_carers_hub__carers') }}

),

field_flags as (

    select * from {{ source('carers_hub_ingest', 'field_flags') }}

),

ethnicity_map as (

    select
        source_value,
        cld_ethnicity,
        recording_status
    from {{ ref('ethnicity_to_cld') }}
    where source_system = 'carers_hub'

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('carers', 'carer_ref') }}

),

scoped as (

    select carers.*
    from carers
    inner join touched on carers.carer_ref = touched.carer_ref

),
{% else %}
scoped as (

    select * from carers

),
{% endif %}

ranked as (

    select
        scoped.*,
        row_number() over (
            partition by carer_ref
            order by extract_date, loaded_at, source_row
        ) as version_number,
        count(*) over (partition by carer_ref) as version_count,
        lead(extract_date) over (
            partition by carer_ref
            order by extract_date, loaded_at, source_row
        ) as next_extract_date
    from scoped

),

invalid_ethnicity as (

    select distinct
        delivery_id,
        source_row
    from field_flags
    where entity = 'carers_hub__carers' and column_name = 'Ethnicity' and fault = 'unknown'

),

final as (

    select
        ranked.carer_ref,
        ranked.version_number,
        ranked.version_number = ranked.version_count as is_latest_version,
        ranked.extract_date as valid_from,
        ranked.next_extract_date as valid_to,
        ranked.status,
        ranked.registered_date,
        ranked.sex,
        ranked.hub_ethnicity,
        case
            when ranked.hub_ethnicity is not null then ethnicity_map.cld_ethnicity
            when invalid_ethnicity.delivery_id is not null then 'Invalid and not mapped'
        end as ethnicity,
        case
            when ranked.hub_ethnicity is not null then ethnicity_map.recording_status
            when invalid_ethnicity.delivery_id is not null then 'invalid'
        end as ethnicity_recording_status,
        ranked.birth_date,
        ranked.postcode,
        ranked.relationship,
        ranked.hours_caring_per_week_band,
        ranked.cared_for_council_person_id,
        ranked.cared_for_birth_date,
        ranked.delivery_id,
        ranked.file_name,
        ranked.source_row,
        ranked.extract_date,
        ranked.loaded_at
    from ranked
    left join ethnicity_map on ranked.hub_ethnicity = ethnicity_map.source_value
    left join invalid_ethnicity
        on ranked.delivery_id = invalid_ethnicity.delivery_id
        and ranked.source_row = invalid_ethnicity.source_row

)

select * from final
