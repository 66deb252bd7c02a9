{{
    config(
        materialized='incremental',
        unique_key='support_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where delivery_id not in (select delivery_id from {{ ref('stg_carers_hub__support_activities') }})"
        ]
    )
}}
{#-
    One row per support activity the Carers Hub gave a carer (the Support sheet: each return lists its month's
    activity only, so rows are never restated). The row has no key of its own: support_key is the delivery and the
    workbook row. Support type is on codes/carers_hub_support_type.csv (null when the hub wrote a value outside it).
    Incremental (delete+insert on support_key): rows loaded since the last build, and rows whose carer's person key
    changed; the post-hook removes rows of a delivery superseded by a corrected re-send.
-#}

with support as (

    select * from {{ ref('stg_carers_hub__support_activities') }}

),

support_types as (

    select value from {{ ref('carers_hub_support_type') }}

),

carer_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'carers_hub'

),

{% if is_incremental() %}
watermark as (

    select max(loaded_at) as max_loaded_at from {{ this }}

),

changed_keys as (

    select t.carer_ref
    from {{ this }} as t
    left join carer_keys on t.carer_ref = carer_keys.source_id
    where coalesce(t.person_key, '') != coalesce(carer_keys.person_key, '')

),

scoped as (

    select * from support
    where
        loaded_at > (select watermark.max_loaded_at from watermark)
        or carer_ref in (select changed_keys.carer_ref from changed_keys)

),
{% else %}
scoped as (

    select * from support

),
{% endif %}

final as (

    select
        scoped.delivery_id || ':' || cast(scoped.source_row as {{ dbt.type_string() }}) as support_key,
        scoped.carer_ref,
        carer_keys.person_key,
        scoped.support_date,
        cast({{ dbt.date_trunc('month', 'scoped.support_date') }} as date) as support_month,
        support_types.value as support_type,
        scoped.delivery_id,
        scoped.file_name,
        scoped.source_row,
        scoped.extract_date,
        scoped.loaded_at
    from scoped
    left join support_types on scoped.support_type = support_types.value
    left join carer_keys on scoped.carer_ref = carer_keys.source_id

)

select * from final
