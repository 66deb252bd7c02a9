{#-
    How a service's unit cost becomes a weekly cost, for every value of the CLD cost frequency list
    (seeds/codes/cld_cost_frequency.csv):
      - per unit (Per session, Hourly, Daily): weekly cost = unit cost x planned units per week;
      - per period (Weekly, Fortnightly, 4-weekly, Monthly, Quarterly, Annually): weekly cost = unit cost x the
        periods in a week (Weekly 1, Fortnightly 1/2, 4-weekly 1/4, Monthly 12/52.1775, Quarterly 4/52.1775,
        Annually 1/52.1775, a year being 365.2425 / 7 = 52.1775 weeks); for Weekly, x planned units per week when
        given (several weekly units), else x 1; planned units are ignored for longer periods;
      - One-off: no weekly cost (the unit cost is a one-off cost);
      - No charge to client: weekly cost 0.
-#}

with cost_frequencies as (

    select value as cost_frequency from {{ ref('cld_cost_frequency') }}

),

final as (

    select
        cost_frequency,
        case
            when cost_frequency in ('Per session', 'Hourly', 'Daily') then 'per unit'
            when cost_frequency in ('Weekly', 'Fortnightly', '4-weekly', 'Monthly', 'Quarterly', 'Annually')
                then 'per period'
            when cost_frequency = 'One-off' then 'one-off'
            when cost_frequency = 'No charge to client' then 'no charge'
        end as cost_basis,
        cast(
            case cost_frequency
                when 'Weekly' then 1.0
                when 'Fortnightly' then 0.5
                when '4-weekly' then 0.25
                when 'Monthly' then 12.0 / 52.1775
                when 'Quarterly' then 4.0 / 52.1775
                when 'Annually' then 1.0 / 52.1775
            end as {{ dbt.type_numeric() }}
        ) as periods_per_week
    from cost_frequencies

)

select * from final
