{#-
    Periodic snapshot of the DoLS applications waiting: one row per application waiting at each month end from the
    first to the last council_dols extract (and at the last extract date). An application waits at a date when it was
    received on or before it and not completed by it (completion date from the latest version, which also carries
    completions recorded late). Its triage priority, type and setting are those of the version in force at the date
    (an application first seen in a later file is judged by its first version: is_observed false).
-#}

with versions as (

    select * from {{ ref('int_dols__application_versions') }}

),

applications as (

    select * from {{ ref('fct_dols_applications') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

bounds as (

    select
        min(valid_from) as first_extract_date,
        max(valid_from) as last_extract_date
    from versions

),

month_ends as (

    select max(calendar.date_day) as snapshot_date
    from calendar
    group by calendar.month_start

),

snapshot_dates as (

    select month_ends.snapshot_date
    from month_ends
    cross join bounds
    where month_ends.snapshot_date between bounds.first_extract_date and bounds.last_extract_date
    union
    select last_extract_date as snapshot_date from bounds

),

waiting as (

    select
        snapshot_dates.snapshot_date,
        applications.application_id,
        applications.person_key,
        applications.received_date
    from applications
    inner join snapshot_dates
        on applications.received_date <= snapshot_dates.snapshot_date
        and (applications.completed_date is null or applications.completed_date > snapshot_dates.snapshot_date)

),

in_force as (

    select
        waiting.snapshot_date,
        waiting.application_id,
        versions.priority,
        versions.application_type,
        versions.setting,
        versions.valid_from <= waiting.snapshot_date as is_observed
    from waiting
    inner join versions
        on waiting.application_id = versions.application_id
        and (
            (
                waiting.snapshot_date >= versions.valid_from
                and (versions.valid_to is null or waiting.snapshot_date < versions.valid_to)
            )
            or (versions.version_number = 1 and waiting.snapshot_date < versions.valid_from)
        )

),

final as (

    select
        waiting.snapshot_date,
        waiting.application_id,
        waiting.person_key,
        waiting.received_date,
        {{ dbt.datediff('waiting.received_date', 'waiting.snapshot_date', 'day') }}
            as days_waiting,
        in_force.priority,
        in_force.priority = 'High' as is_high_priority,
        in_force.application_type,
        in_force.setting,
        in_force.is_observed
    from waiting
    inner join in_force
        on waiting.snapshot_date = in_force.snapshot_date
        and waiting.application_id = in_force.application_id

)

select * from final
