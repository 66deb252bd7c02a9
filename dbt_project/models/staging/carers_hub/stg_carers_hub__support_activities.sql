with source as (

    select * from {{ source('carers_hub', 'support') }}

),

renamed as (

    select
        carer_ref,
        date as support_date,
        support_type,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
