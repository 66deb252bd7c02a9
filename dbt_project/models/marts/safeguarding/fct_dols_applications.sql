{{
    config(
        materialized='incremental',
        unique_key='application_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where application_id not in (select application_id from {{ ref('int_dols__application_versions') }})"
        ]
    )
}}
{#-
    One row per Deprivation of Liberty Safeguards application (source-feeds 1d): the latest version (received, type,
    triage priority, setting, completed, outcome), days from receipt to completion, and the person key (linkage,
    source_system council, source_id council person id).
    Incremental (delete+insert on application_id): applications whose latest version differs from the one kept, or
    whose person key changed, are recomputed.
-#}

with versions as (

    select * from {{ ref('int_dols__application_versions') }}

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

    select v.application_id
    from versions as v
    where
        v.is_latest_version
        and not exists (
            select 1 from {{ this }} as t
            where
                t.application_id = v.application_id
                and t.delivery_id = v.delivery_id
                and t.source_row = v.source_row
        )
    union
    select t.application_id
    from {{ this }} as t
    left join person_keys on t.council_person_id = person_keys.source_id
    where coalesce(t.person_key, '') != coalesce(person_keys.person_key, '')

),

scoped as (

    select versions.*
    from versions
    inner join touched on versions.application_id = touched.application_id

),
{% else %}
scoped as (

    select * from versions

),
{% endif %}

latest as (

    select * from scoped
    where is_latest_version

),

first_seen as (

    select
        application_id,
        min(valid_from) as first_seen_date,
        count(*) as version_count
    from scoped
    group by application_id

),

final as (

    select
        latest.application_id,
        person_keys.person_key,
        latest.council_person_id,
        latest.received_date,
        latest.application_type,
        latest.priority,
        latest.setting,
        latest.completed_date,
        latest.outcome,
        latest.completed_date is not null as is_completed,
        case
            when latest.completed_date is not null
                then {{ dbt.datediff('latest.received_date', 'latest.completed_date', 'day') }}
        end as days_to_complete,
        first_seen.first_seen_date,
        first_seen.version_count,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    inner join first_seen on latest.application_id = first_seen.application_id
    left join person_keys on latest.council_person_id = person_keys.source_id

)

select * from final
