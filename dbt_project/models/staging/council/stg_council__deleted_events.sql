with source as (

    select * from {{ source('council', 'deleted_events') }}

),

renamed as (

    select
        event_reference,
        deleted_at,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
