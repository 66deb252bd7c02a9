{{
    config(
        materialized='incremental',
        unique_key='application_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where delivery_id not in (select delivery_id from {{ ref('stg_council__dols_applications') }})"
        ]
    )
}}
{#-
    Every version of every Deprivation of Liberty Safeguards application (the nightly council_dols file is a full
    snapshot of applications not closed more than two years ago, stored changes-only): a version is in force from
    its extract date (valid_from) until the next version's (valid_to). Point-in-time figures (waiting at a date, and
    the triage priority then) read it.
    Incremental (delete+insert on application_id, every version of a touched application): applications with rows
    loaded since the last build, or with a kept version whose delivery is no longer in force, are recomputed from
    their full history; the post-hook drops versions of deliveries no longer in force.
-#}

with applications as (

    select * from {{ ref('stg_council__dols_applications') }}

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('applications', 'application_id') }}

),

scoped as (

    select applications.*
    from applications
    inner join touched on applications.application_id = touched.application_id

),
{% else %}
scoped as (

    select * from applications

),
{% endif %}

ranked as (

    select
        scoped.*,
        row_number() over (
            partition by application_id
            order by extract_date, loaded_at, source_row
        ) as version_number,
        count(*) over (partition by application_id) as version_count,
        lead(extract_date) over (
            partition by application_id
            order by extract_date, loaded_at, source_row
        ) as next_extract_date
    from scoped

),

final as (

    select
        application_id,
        version_number,
        version_number = version_count as is_latest_version,
        extract_date as valid_from,
        next_extract_date as valid_to,
        council_person_id,
        received_date,
        application_type,
        priority,
        setting,
        completed_date,
        outcome,
        delivery_id,
        file_name,
        source_row,
        extract_date,
        loaded_at
    from ranked

)

select * from final
