{{
    config(
        materialized='incremental',
        unique_key='carer_ref',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where carer_ref not in (select carer_ref from {{ ref('int_carers__versions') }})"
        ]
    )
}}
{#-
    One row per carer registered with the Carers Hub: the latest version's attributes, the person keys of the carer
    and of the person cared for, and, for a closed carer, the window the closure lies in (derived from the version
    history: after the last return that showed the carer active, on or before the first return that showed it
    closed).
    Incremental (delete+insert on carer_ref): carers whose latest version differs from the one kept, or whose person
    keys changed in the linkage, are recomputed from their full version history.
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

cared_for_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'carers_hub_cared_for'

),

{% if is_incremental() %}
touched as (

    select v.carer_ref
    from versions as v
    where
        v.is_latest_version
        and not exists (
            select 1 from {{ this }} as t
            where
                t.carer_ref = v.carer_ref
                and t.delivery_id = v.delivery_id
                and t.source_row = v.source_row
        )
    union
    select t.carer_ref
    from {{ this }} as t
    left join carer_keys on t.carer_ref = carer_keys.source_id
    left join cared_for_keys on t.carer_ref = cared_for_keys.source_id
    where
        coalesce(t.person_key, '') != coalesce(carer_keys.person_key, '')
        or coalesce(t.cared_for_person_key, '') != coalesce(cared_for_keys.person_key, '')

),

scoped as (

    select versions.*
    from versions
    inner join touched on versions.carer_ref = touched.carer_ref

),
{% else %}
scoped as (

    select * from versions

),
{% endif %}

latest as (

    select * from scoped
    where is_latest_version

),

last_active as (

    select
        carer_ref,
        max(version_number) as last_active_version
    from scoped
    where status = 'Active'
    group by carer_ref

),

closure as (

    -- the first version of the run of closed versions that ends the history
    select
        scoped.carer_ref,
        min(scoped.valid_from) as closed_reported_date,
        max(case when last_active.last_active_version is not null then 1 else 0 end) = 1 as was_seen_active
    from scoped
    left join last_active on scoped.carer_ref = last_active.carer_ref
    where
        scoped.status = 'Closed'
        and scoped.version_number > coalesce(last_active.last_active_version, 0)
    group by scoped.carer_ref

),

closure_bounds as (

    select
        closure.carer_ref,
        closure.closed_reported_date,
        case
            when closure.was_seen_active
                then (
                    select max(returns.extract_date) from returns
                    where returns.extract_date < closure.closed_reported_date
                )
        end as last_active_return_date
    from closure

),

first_seen as (

    select
        carer_ref,
        min(valid_from) as first_seen_date,
        count(*) as version_count
    from scoped
    group by carer_ref

),

final as (

    select
        latest.carer_ref,
        carer_keys.person_key,
        cared_for_keys.person_key as cared_for_person_key,
        latest.cared_for_council_person_id,
        latest.registered_date,
        latest.status,
        latest.status = 'Active' as is_active,
        case when latest.status = 'Closed' then closure_bounds.closed_reported_date end as closed_reported_date,
        case
            when latest.status = 'Closed'
                then coalesce(closure_bounds.last_active_return_date, latest.registered_date)
        end as closed_after_date,
        latest.hours_caring_per_week_band,
        latest.relationship,
        latest.sex,
        latest.ethnicity,
        latest.ethnicity_recording_status,
        latest.hub_ethnicity,
        latest.birth_date,
        case
            when latest.birth_date is not null and latest.registered_date is not null
                then
                    extract(year from latest.registered_date) - extract(year from latest.birth_date)
                    - case
                        when extract(month from latest.registered_date) < extract(month from latest.birth_date)
                            then 1
                        else 0
                    end
        end as age_at_registration,
        latest.postcode,
        first_seen.first_seen_date,
        first_seen.version_count,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    inner join first_seen on latest.carer_ref = first_seen.carer_ref
    left join closure_bounds on latest.carer_ref = closure_bounds.carer_ref
    left join carer_keys on latest.carer_ref = carer_keys.source_id
    left join cared_for_keys on latest.carer_ref = cared_for_keys.source_id

)

select * from final
