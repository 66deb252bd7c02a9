{{
    config(
        materialized='incremental',
        unique_key='assessment_ref',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where delivery_id not in (select delivery_id from {{ ref('stg_carers_hub__assessments') }})"
        ]
    )
}}
{#-
    One row per Carers Hub carers assessment (Holistic or Care Act compliant): its latest version (latest extract,
    then latest loaded, then latest row), with days waited from referral to completion and days from the carer's
    registration to completion. The Assessments sheet lists each month's assessments (referred, completed or still
    open), so an assessment completed in a month whose return was quarantined keeps its last (open) version.
    Incremental (delete+insert on assessment_ref): assessments with rows loaded since the last build, whose kept
    version's delivery is no longer in force, or whose carer's person key or registration date changed, are
    recomputed from full history.
-#}

with assessments as (

    select * from {{ ref('stg_carers_hub__assessments') }}

),

carers as (

    select
        carer_ref,
        registered_date
    from {{ ref('int_carers__versions') }}
    where is_latest_version

),

carer_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'carers_hub'

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('assessments', 'assessment_ref') }}
    union
    select t.assessment_ref
    from {{ this }} as t
    left join carers on t.carer_ref = carers.carer_ref
    left join carer_keys on t.carer_ref = carer_keys.source_id
    where
        coalesce(t.person_key, '') != coalesce(carer_keys.person_key, '')
        or coalesce(t.carer_registered_date, cast('1900-01-01' as date))
        != coalesce(carers.registered_date, cast('1900-01-01' as date))

),

scoped as (

    select assessments.*
    from assessments
    inner join touched on assessments.assessment_ref = touched.assessment_ref

),
{% else %}
scoped as (

    select * from assessments

),
{% endif %}

ranked as (

    select
        scoped.*,
        row_number() over (
            partition by assessment_ref
            order by extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from scoped

),

latest as (

    select * from ranked
    where version_rank = 1

),

final as (

    select
        latest.assessment_ref,
        latest.carer_ref,
        carer_keys.person_key,
        latest.assessment_type,
        latest.referred_date,
        latest.completed_date,
        latest.completed_date is not null as is_completed,
        case when latest.completed_date is not null then 'Completed' else 'Open' end as assessment_status,
        case
            when latest.completed_date is not null
                then {{ dbt.datediff('latest.referred_date', 'latest.completed_date', 'day') }}
        end as days_waited,
        carers.registered_date as carer_registered_date,
        case
            when latest.completed_date is not null and carers.registered_date is not null
                then {{ dbt.datediff('carers.registered_date', 'latest.completed_date', 'day') }}
        end as days_from_registration_to_completion,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    left join carers on latest.carer_ref = carers.carer_ref
    left join carer_keys on latest.carer_ref = carer_keys.source_id

)

select * from final
