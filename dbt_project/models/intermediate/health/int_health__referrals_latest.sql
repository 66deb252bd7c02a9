{#-
    One row per trust referral (referral_id): its latest version, by updated_at, then extract date, then loaded_at,
    then source row (a referral's later lines supersede its earlier ones, source-feeds 2a). Adds the locality parsed
    from the trust team name ("OT Forest of Dean" -> Forest of Dean, from the locality list), the locality's mental
    health area (East / West), the person key (int_person_keys, source system health, source id the trust patient
    number), UK local dates of each timestamp and the waits in days between them.
    A table (the intermediate default), rebuilt each run: a view would be dropped on PostgreSQL whenever its parent
    table int_person_keys is rebuilt without it. The incremental mart fct_health_referrals reads only the referrals
    a delivery touched.
-#}

with referrals as (

    select * from {{ ref('stg_health__referrals') }}

),

localities as (

    select
        locality,
        mh_locality as mental_health_area
    from {{ ref('locality') }}

),

person_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'health'

),

ranked as (

    select
        referrals.*,
        row_number() over (
            partition by referral_id
            order by updated_at desc, extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from referrals

),

latest as (

    select * from ranked
    where version_rank = 1

),

{# timestamps arrive with an offset and are stored in UTC: days are counted on UK local dates #}
local_dates as (

    select
        latest.*,
        cast((received_at at time zone 'Europe/London') as date) as received_date,
        cast((assessment_started_at at time zone 'Europe/London') as date) as assessment_started_date,
        cast((assessment_completed_at at time zone 'Europe/London') as date) as assessment_completed_date,
        cast((discharged_at at time zone 'Europe/London') as date) as discharge_date,
        cast((episode_ended_at at time zone 'Europe/London') as date) as episode_ended_date,
        cast((updated_at at time zone 'Europe/London') as date) as updated_date
    from latest

),

final as (

    select
        local_dates.referral_id,
        person_keys.person_key,
        local_dates.trust_patient_id,
        local_dates.service,
        local_dates.trust_team as team,
        localities.locality,
        localities.mental_health_area,
        local_dates.received_at,
        local_dates.received_date,
        local_dates.triage_outcome,
        local_dates.assessment_started_at,
        local_dates.assessment_started_date,
        local_dates.assessment_completed_at,
        local_dates.assessment_completed_date,
        local_dates.discharged_at,
        local_dates.discharge_date,
        local_dates.discharge_pathway,
        local_dates.episode_ended_at,
        local_dates.episode_ended_date,
        local_dates.episode_outcome,
        local_dates.at_home_91_days,
        local_dates.updated_at,
        local_dates.updated_date,
        {{ dbt.datediff('local_dates.received_date', 'local_dates.assessment_started_date', 'day') }}
            as days_to_assessment_start,
        {{ dbt.datediff('local_dates.received_date', 'local_dates.assessment_completed_date', 'day') }}
            as days_to_assessment_completion,
        {{ dbt.datediff('local_dates.assessment_started_date', 'local_dates.assessment_completed_date', 'day') }}
            as assessment_days,
        {{ dbt.datediff('local_dates.received_date', 'local_dates.discharge_date', 'day') }}
            as days_to_discharge,
        {{ dbt.datediff('local_dates.received_date', 'local_dates.episode_ended_date', 'day') }}
            as episode_days,
        local_dates.delivery_id,
        local_dates.file_name,
        local_dates.source_row,
        local_dates.extract_date,
        local_dates.loaded_at
    from local_dates
    left join localities
        on local_dates.trust_team like {{ dbt.concat(["'% '", "localities.locality"]) }}
    left join person_keys on local_dates.trust_patient_id = person_keys.source_id

)

select * from final
