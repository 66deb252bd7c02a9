with source as (

    select * from {{ source('carers_hub', 'carers') }}

),

renamed as (

    select
        carer_ref,
        name as carer_name,
        dob as birth_date,
        postcode,
        sex,
        ethnicity as hub_ethnicity,
        registered as registered_date,
        cared_for_name,
        cared_for_dob as cared_for_birth_date,
        relationship,
        council_id as cared_for_council_person_id,
        hours_caring_per_week as hours_caring_per_week_band,
        status,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
