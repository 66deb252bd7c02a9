{#- One row per day from the earliest data the feeds can carry to well past today; the MetricFlow time spine. -#}
with days as (

    select cast(d as date) as date_day
    from generate_series(
        cast('2015-01-01' as timestamp), cast('2035-12-31' as timestamp), interval '1 day'
    ) as g (d)

)

select
    date_day,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
    extract(year from date_day) as calendar_year,
    extract(month from date_day) as calendar_month,
    case
        when extract(month from date_day) >= 4 then extract(year from date_day)
        else extract(year from date_day) - 1
    end as financial_year_start,
    extract(isodow from date_day) as iso_day_of_week
from days
