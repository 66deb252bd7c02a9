with source as (

    select * from {{ source('council', 'contacts') }}

),

renamed as (

    select
        contact_id,
        received_at,
        channel,
        contact_source,
        la_person_unique_identifier as council_person_id,
        first_name,
        last_name,
        date_of_birth as birth_date,
        postcode,
        nhs_number,
        gender,
        team,
        locality,
        contact_outcome,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
