with source as (

    select * from {{ source('carers_hub', 'assessments') }}

),

renamed as (

    select
        assessment_ref,
        carer_ref,
        type as assessment_type,
        referred as referred_date,
        completed as completed_date,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
