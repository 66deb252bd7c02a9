{#-
    Periodic snapshot of the Carers Hub register: one row per carer registered and active at each loaded monthly
    return's extract date (the month end), read from the carers' version history. A carer counts at a date when it
    registered on or before the date and the version in force then says Active; a carer registered before the date
    but first seen in a later return (its row was rejected that month) is judged by its first version, flagged
    is_observed = false. Months whose return was quarantined have no snapshot: the register is not known there.
-#}

with versions as (

    select * from {{ ref('int_carers__versions') }}

),

returns as (

    select * from {{ ref('int_carers_hub__returns') }}
    where has_carers_sheet

),

carer_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'carers_hub'

),

snapshot_dates as (

    -- the register is known only where a return was loaded: a month whose return was quarantined has no snapshot
    select extract_date as snapshot_date from returns

),

in_force as (

    select
        snapshot_dates.snapshot_date,
        versions.*,
        versions.valid_from <= snapshot_dates.snapshot_date as is_observed
    from versions
    inner join snapshot_dates
        on versions.registered_date <= snapshot_dates.snapshot_date
        and (
            (
                versions.valid_from <= snapshot_dates.snapshot_date
                and (versions.valid_to is null or versions.valid_to > snapshot_dates.snapshot_date)
            )
            or (versions.version_number = 1 and versions.valid_from > snapshot_dates.snapshot_date)
        )

),

final as (

    select
        in_force.snapshot_date,
        in_force.carer_ref,
        carer_keys.person_key,
        in_force.registered_date,
        in_force.relationship,
        in_force.hours_caring_per_week_band,
        in_force.sex,
        in_force.ethnicity,
        in_force.ethnicity_recording_status,
        in_force.is_observed,
        in_force.version_number
    from in_force
    left join carer_keys on in_force.carer_ref = carer_keys.source_id
    where in_force.status = 'Active'

)

select * from final
