{#- The six districts of Gloucestershire (ref locality), with the trust's mental health area and the rural flag. -#}
with localities as (

    select * from {{ ref('locality') }}

),

final as (

    select
        locality,
        ons_code,
        mh_locality as mental_health_area,
        cast(rural as integer) = 1 as is_rural,
        case when cast(rural as integer) = 1 then 'Rural' else 'Urban' end as rural_urban,
        cast(adult_population_approx as integer) as adult_population
    from localities

)

select * from final
