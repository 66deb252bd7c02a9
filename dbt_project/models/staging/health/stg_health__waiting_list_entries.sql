with source as (

    select * from {{ source('health', 'waiting_list') }}

),

renamed as (

    select
        referral_id,
        service,
        team as trust_team,
        waiting_since,
        priority,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
