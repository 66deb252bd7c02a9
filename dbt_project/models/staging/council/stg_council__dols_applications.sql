with source as (

    select * from {{ source('council', 'dols') }}

),

renamed as (

    select
        application_id,
        la_person_unique_identifier as council_person_id,
        received_date,
        application_type,
        priority,
        setting,
        completed_date,
        outcome,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
