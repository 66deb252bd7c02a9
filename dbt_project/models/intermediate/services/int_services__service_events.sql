{#-
    Unique service events (int_events__unique, event type Service) with what the service marts derive from them:
    - service group (seed cld_service_type: Long term support, Short term support, Unpaid carer support);
    - setting: Residential or Nursing for the residential and nursing service types (and, for short-term support,
      the short-term residential and nursing care components), Prison for long-term support in prison, else
      Community;
    - weekly cost through int_services__cost_frequencies: per unit frequencies x planned units per week; per period
      frequencies x periods per week (Weekly also x planned units per week when given); No charge to client 0;
      One-off none (the unit cost is then the one-off cost); null when the frequency, or a needed planned units per
      week, is missing;
    - service_key: the dim_service surrogate key, a hash of type, component, delivery mechanism, setting and provider.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_type = 'Service' and event_reference is not null

),

service_types as (

    select
        value as service_type,
        "group" as service_group
    from {{ ref('cld_service_type') }}

),

cost_frequencies as (

    select * from {{ ref('int_services__cost_frequencies') }}

),

classified as (

    select
        events.*,
        service_types.service_group,
        case
            when events.service_type = 'Long term support: Residential care' then 'Residential'
            when events.service_type = 'Long term support: Nursing care' then 'Nursing'
            when events.service_type = 'Long term support: Prison' then 'Prison'
            when service_types.service_group = 'Long term support' then 'Community'
            when events.service_component = 'Short term residential care' then 'Residential'
            when events.service_component = 'Short term nursing care' then 'Nursing'
            else 'Community'
        end as setting,
        cost_frequencies.cost_basis,
        case
            when cost_frequencies.cost_basis = 'per unit'
                then events.unit_cost * events.planned_units_per_week
            when cost_frequencies.cost_basis = 'per period' and events.cost_frequency = 'Weekly'
                then events.unit_cost * coalesce(events.planned_units_per_week, 1)
            when cost_frequencies.cost_basis = 'per period'
                then events.unit_cost * cost_frequencies.periods_per_week
            when cost_frequencies.cost_basis = 'no charge' then 0
        end as weekly_cost,
        case when cost_frequencies.cost_basis = 'one-off' then events.unit_cost end as one_off_cost
    from events
    left join service_types on events.service_type = service_types.service_type
    left join cost_frequencies on events.cost_frequency = cost_frequencies.cost_frequency

),

final as (

    select
        classified.*,
        {{ dbt.hash(dbt.concat([
            "coalesce(service_type, '~')", "'|'",
            "coalesce(service_component, '~')", "'|'",
            "coalesce(delivery_mechanism, '~')", "'|'",
            "setting", "'|'",
            "coalesce(provider_cqc_location_id, '~')"
        ])) }} as service_key,
        coalesce(service_group = 'Long term support', false) as is_long_term,
        coalesce(service_type = 'Short term support: ST-Max', false) as is_st_max,
        coalesce(delivery_mechanism = 'Direct payment', false) as is_direct_payment,
        coalesce(delivery_mechanism in ('Direct payment', 'CASSR managed personal budget'), false)
            as is_self_directed
    from classified

)

select * from final
