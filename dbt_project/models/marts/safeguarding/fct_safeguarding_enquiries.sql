{{
    config(
        materialized='incremental',
        unique_key='enquiry_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}
{#-
    One row per safeguarding enquiry (source-feeds 4b), latest version, with its concern's attributes (from
    fct_safeguarding_concerns): Section 42 or other, started, concluded, and the Making Safeguarding Personal answers
    (asked about desired outcomes, ref sg_msp_asked; outcomes achieved), risk outcome, capacity and advocacy.
    MSP flags: was_asked is true for the two "Yes" answers, false for No / Don't know / Not recorded, null when the
    field was blank or invalid on delivery; outcomes_expressed is the "Yes - asked and outcomes expressed" answer;
    is_outcome_achieved is true for fully or partially achieved, false for not achieved, null when not recorded.
    Incremental (delete+insert on enquiry_id): enquiries with rows loaded since the last build, whose kept version's
    delivery is no longer in force, or whose concern row changed (version or person key), are recomputed.
-#}

with enquiries as (

    select * from {{ ref('stg_safeguarding__enquiries') }}

),

concerns as (

    select * from {{ ref('fct_safeguarding_concerns') }}

),

msp_asked as (

    select value from {{ ref('sg_msp_asked') }}

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('enquiries', 'enquiry_id') }}
    union
    select t.enquiry_id
    from {{ this }} as t
    left join concerns on t.concern_id = concerns.concern_id
    where
        concerns.concern_id is null
        or coalesce(t.concern_delivery_id, '') != concerns.delivery_id
        or coalesce(t.concern_source_row, -1) != concerns.source_row
        or coalesce(t.person_key, '') != coalesce(concerns.person_key, '')
        or t.county_adult_population != concerns.county_adult_population

),

scoped as (

    select enquiries.*
    from enquiries
    inner join touched on enquiries.enquiry_id = touched.enquiry_id

),
{% else %}
scoped as (

    select * from enquiries

),
{% endif %}

ranked as (

    select
        scoped.*,
        row_number() over (
            partition by enquiry_id
            order by extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from scoped

),

latest as (

    select * from ranked
    where version_rank = 1

),

final as (

    select
        latest.enquiry_id,
        latest.concern_id,
        concerns.person_key,
        latest.enquiry_type,
        latest.enquiry_type = 'Section 42' as is_section_42,
        latest.started_date,
        latest.concluded_date,
        latest.concluded_date is not null as is_concluded,
        case
            when latest.concluded_date is not null
                then {{ dbt.datediff('latest.started_date', 'latest.concluded_date', 'day') }}
        end as days_to_conclude,
        msp_asked.value as asked_desired_outcomes,
        case
            when msp_asked.value in ('Yes - asked and outcomes expressed', 'Yes - asked but no outcomes expressed')
                then true
            when msp_asked.value is not null then false
        end as was_asked,
        coalesce(msp_asked.value = 'Yes - asked and outcomes expressed', false) as outcomes_expressed,
        latest.outcomes_achieved,
        case
            when latest.outcomes_achieved in ('Fully achieved', 'Partially achieved') then true
            when latest.outcomes_achieved = 'Not achieved' then false
        end as is_outcome_achieved,
        latest.risk_outcome,
        latest.lacks_capacity,
        latest.advocate_provided,
        concerns.received_date as concern_received_date,
        concerns.referral_source,
        concerns.types_of_risk,
        concerns.location_of_risk,
        concerns.source_of_risk,
        concerns.decision as concern_decision,
        concerns.decision_date as concern_decision_date,
        concerns.locality,
        concerns.is_known_to_council,
        concerns.council_person_id,
        concerns.age_band,
        concerns.county_adult_population,
        concerns.delivery_id as concern_delivery_id,
        concerns.source_row as concern_source_row,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    left join concerns on latest.concern_id = concerns.concern_id
    left join msp_asked on latest.asked_desired_outcomes = msp_asked.value

)

select * from final
