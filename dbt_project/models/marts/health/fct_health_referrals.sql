{{
    config(
        materialized='incremental',
        unique_key='referral_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_unmatched(ref('stg_health__referrals'), {'referral_id': 'referral_id'}) }}"
        ]
    )
}}
{#-
    One row per community trust referral: the latest version (int_health__referrals_latest) with its flags for
    the published measures (triage outcomes, reablement after hospital discharge, Home First discharges).
    Incremental (delete+insert on referral_id): a nightly build recomputes from full history only the referrals
    touched since the last build: versions loaded after the table's latest loaded_at, referrals whose kept
    version's delivery was superseded by a corrected re-send, and referrals whose patient's person key changed.
    The post-hook removes referrals no longer in any delivery in force.
-#}
-- depends_on: {{ ref('int_person_keys') }}
-- depends_on: {{ ref('stg_health__referrals') }}

with referrals_latest as (

    select * from {{ ref('int_health__referrals_latest') }}

),

{% if is_incremental() %}
referral_versions as (

    select
        referral_id,
        delivery_id,
        loaded_at
    from {{ ref('stg_health__referrals') }}

),

person_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'health'

),

touched as (

    {{ new_or_superseded_keys('referral_versions', 'referral_id') }}
    union
    {#- the linkage moved the patient to another person #}
    select kept.referral_id
    from {{ this }} as kept
    left join person_keys on kept.trust_patient_id = person_keys.source_id
    where kept.person_key is distinct from person_keys.person_key

),

scoped as (

    select referrals_latest.*
    from referrals_latest
    inner join touched on referrals_latest.referral_id = touched.referral_id

),
{% else %}
scoped as (

    select * from referrals_latest

),
{% endif %}

final as (

    select
        referral_id,
        person_key,
        trust_patient_id,
        service,
        team,
        locality,
        mental_health_area,
        received_at,
        received_date,
        triage_outcome,
        coalesce(triage_outcome = 'Resolved at referral centre', false) as is_resolved_at_referral_centre,
        coalesce(triage_outcome = 'Added to waiting list', false) as is_added_to_waiting_list,
        coalesce(triage_outcome = 'Not accepted', false) as is_not_accepted,
        assessment_started_at,
        assessment_started_date,
        assessment_completed_at,
        assessment_completed_date,
        days_to_assessment_start,
        days_to_assessment_completion,
        assessment_days,
        discharged_at,
        discharge_date,
        discharge_pathway,
        days_to_discharge,
        coalesce(service = 'Reablement' and discharged_at is not null, false) as is_reablement_after_discharge,
        coalesce(service = 'Hospital Discharge' and discharged_at is not null, false) as is_home_first_discharge,
        episode_ended_at,
        episode_ended_date,
        episode_outcome,
        episode_days,
        at_home_91_days,
        updated_at,
        delivery_id,
        file_name,
        source_row,
        extract_date,
        loaded_at
    from scoped

)

select * from final
