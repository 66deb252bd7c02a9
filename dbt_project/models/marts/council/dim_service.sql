{#-
    One row per distinct service: CLD service type, component, delivery mechanism, setting and provider (CQC
    location), as met in the unique service events (int_services__service_events). service_key is the hash the
    service facts carry.
-#}

with services as (

    select * from {{ ref('int_services__service_events') }}

),

distinct_services as (

    select
        service_key,
        service_type,
        service_group,
        service_component,
        delivery_mechanism,
        setting,
        provider_cqc_location_id,
        count(*) as service_event_count,
        min(event_start_date) as first_start_date,
        max(event_start_date) as last_start_date
    from services
    group by
        service_key,
        service_type,
        service_group,
        service_component,
        delivery_mechanism,
        setting,
        provider_cqc_location_id

),

final as (

    select
        service_key,
        service_type,
        service_group,
        service_component,
        delivery_mechanism,
        setting,
        provider_cqc_location_id,
        coalesce(service_group = 'Long term support', false) as is_long_term,
        coalesce(delivery_mechanism = 'Direct payment', false) as is_direct_payment,
        coalesce(delivery_mechanism in ('Direct payment', 'CASSR managed personal budget'), false)
            as is_self_directed,
        service_event_count,
        first_start_date,
        last_start_date
    from distinct_services

)

select * from final
