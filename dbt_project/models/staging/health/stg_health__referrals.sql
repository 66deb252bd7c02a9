with source as (

    select * from {{ source('health', 'referrals') }}

),

renamed as (

    select
        referral_id,
        patient_local_id as trust_patient_id,
        patient_nhs_number as nhs_number,
        patient_given_name as first_name,
        patient_family_name as last_name,
        patient_birth_date as birth_date,
        patient_gender as nhs_gender_code,
        patient_ethnic_category as nhs_ethnic_category,
        patient_postcode as postcode,
        service,
        team as trust_team,
        received_at,
        triage_outcome,
        assessment_started_at,
        assessment_completed_at,
        discharged_at,
        discharge_pathway,
        episode_ended_at,
        episode_outcome,
        at_home_91_days,
        updated_at,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
