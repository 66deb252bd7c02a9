with source as (

    select * from {{ source('safeguarding', 'concerns') }}

),

renamed as (

    select
        concern_id,
        received_date,
        la_person_unique_identifier as council_person_id,
        nhs_number,
        first_name,
        last_name,
        date_of_birth as birth_date,
        postcode,
        referral_source,
        types_of_risk,
        location_of_risk,
        source_of_risk,
        decision,
        decision_date,
        locality,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
