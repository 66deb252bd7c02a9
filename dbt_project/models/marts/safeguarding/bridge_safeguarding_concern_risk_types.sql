{#-
    Bridge from safeguarding concerns (and their enquiries) to types of risk: one row per concern, type of risk and
    enquiry (enquiry null when the concern led to none). Types_Of_Risk is ';'-separated; it is split portably by
    joining the code list (ref sg_type_of_risk) where ';code;' lies within ';list;'. A concern, and its enquiry,
    counts once under each of its types (national rule: one enquiry can count under several types), so totals across
    types exceed the number of concerns.
-#}

with concerns as (

    select * from {{ ref('fct_safeguarding_concerns') }}

),

enquiries as (

    select * from {{ ref('fct_safeguarding_enquiries') }}

),

risk_types as (

    select value from {{ ref('sg_type_of_risk') }}

),

concern_types as (

    select
        concerns.concern_id,
        risk_types.value as type_of_risk,
        concerns.person_key,
        concerns.received_date,
        concerns.decision,
        concerns.led_to_enquiry,
        concerns.location_of_risk,
        concerns.source_of_risk,
        concerns.locality
    from concerns
    inner join risk_types
        on position(';' || risk_types.value || ';' in ';' || concerns.types_of_risk || ';') > 0

),

final as (

    select
        concern_types.concern_id || '|' || concern_types.type_of_risk || '|' || coalesce(enquiries.enquiry_id, '')
            as concern_risk_type_key,
        concern_types.concern_id,
        concern_types.type_of_risk,
        enquiries.enquiry_id,
        concern_types.person_key,
        concern_types.received_date,
        concern_types.decision,
        concern_types.led_to_enquiry,
        concern_types.location_of_risk,
        concern_types.source_of_risk,
        concern_types.locality,
        enquiries.enquiry_type,
        enquiries.started_date as enquiry_started_date,
        enquiries.concluded_date as enquiry_concluded_date,
        coalesce(enquiries.is_concluded, false) as is_enquiry_concluded,
        enquiries.risk_outcome
    from concern_types
    left join enquiries on concern_types.concern_id = enquiries.concern_id

)

select * from final
