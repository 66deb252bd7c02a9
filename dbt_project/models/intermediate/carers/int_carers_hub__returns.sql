{#-
    One row per Carers Hub monthly return loaded into the warehouse (its extract date), with which sheets carried
    rows. A return that was quarantined and never released is absent: the months it covered have no activity rows.
    Changes-only storage means a loaded Carers sheet always adds rows (at least the month's new registrations).
-#}
with carers as (

    select * from {{ ref('stg_carers_hub__carers') }}

),

assessments as (

    select * from {{ ref('stg_carers_hub__assessments') }}

),

support as (

    select * from {{ ref('stg_carers_hub__support_activities') }}

),

sheets as (

    select distinct
        extract_date,
        'carers' as sheet
    from carers
    union all
    select distinct
        extract_date,
        'assessments' as sheet
    from assessments
    union all
    select distinct
        extract_date,
        'support' as sheet
    from support

),

returns as (

    select
        extract_date,
        max(case when sheet = 'carers' then 1 else 0 end) = 1 as has_carers_sheet,
        max(case when sheet = 'assessments' then 1 else 0 end) = 1 as has_assessments_sheet,
        max(case when sheet = 'support' then 1 else 0 end) = 1 as has_support_sheet
    from sheets
    group by extract_date

),

final as (

    select
        extract_date,
        cast({{ dbt.date_trunc('month', 'extract_date') }} as date) as return_month,
        has_carers_sheet,
        has_assessments_sheet,
        has_support_sheet,
        lag(extract_date) over (order by extract_date) as previous_extract_date
    from returns

)

select * from final
