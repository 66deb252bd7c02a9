with source as (

    select * from {{ source('safeguarding', 'enquiries') }}

),

renamed as (

    select
        enquiry_id,
        concern_id,
        enquiry_type,
        started as started_date,
        concluded as concluded_date,
        asked_desired_outcomes,
        outcomes_achieved,
        risk_outcome,
        lacks_capacity,
        advocate_provided,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
