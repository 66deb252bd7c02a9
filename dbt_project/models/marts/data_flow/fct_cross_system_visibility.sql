{#-
    What the council's own system can see of the people the other systems serve: one row per measure and reporting
    month, numerator / denominator = share. "Known to the council" on a date: the person (resolved person_key) has a
    council person record whose first event started, or which the council feed first carried, on or before it.
    - ot_waiting_visible_to_council, mh_waiting_visible_to_council: of the people on the trust's occupational
      therapy / mental health social work waiting list on the month's last waiting-list snapshot, those with a
      council event (request, assessment, service or review; int_events__unique) open on that date, so the
      council's record shows them as current.
    - ot_waiting_known_to_council, mh_waiting_known_to_council: the same people, known to the council at all.
    - carers_hub_carers_linked_to_council: of the carers active on the Carers Hub's return of the month, those
      known to the council (counted in its carer measures only then).
    - safeguarding_concerns_unknown_to_council: of the concerns received in the month, those about an adult not
      known to the council before the concern was received (a count and a share).
-#}

with waiting_list as (

    select * from {{ ref('fct_waiting_list_snapshots') }}

),

referrals as (

    select * from {{ ref('fct_health_referrals') }}

),

events as (

    select * from {{ ref('int_events__unique') }}

),

observations as (

    select * from {{ ref('int_person_observations') }}
    where source_system = 'council'

),

carer_snapshots as (

    select * from {{ ref('fct_carer_register_snapshots') }}

),

concerns as (

    select * from {{ ref('fct_safeguarding_concerns') }}

),

council_people as (

    select
        person_key,
        min(known_from) as known_from
    from (
        select
            person_key,
            event_start_date as known_from
        from events
        union all
        select
            person_key,
            observed_on as known_from
        from observations
    ) as council_dates
    group by person_key

),

month_end_snapshots as (

    select
        cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) as month_start,
        max(snapshot_date) as snapshot_date
    from waiting_list
    group by cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date)

),

waiting_people as (

    select distinct
        month_end_snapshots.month_start,
        month_end_snapshots.snapshot_date,
        case waiting_list.service
            when 'Occupational Therapy' then 'ot'
            when 'Mental Health Social Work' then 'mh'
        end as service_code,
        referrals.person_key
    from month_end_snapshots
    inner join waiting_list on month_end_snapshots.snapshot_date = waiting_list.snapshot_date
    inner join referrals on waiting_list.referral_id = referrals.referral_id
    where
        waiting_list.service in ('Occupational Therapy', 'Mental Health Social Work')
        and referrals.person_key is not null

),

waiting_flags as (

    select
        waiting_people.month_start,
        waiting_people.snapshot_date,
        waiting_people.service_code,
        waiting_people.person_key,
        max(case when council_people.known_from <= waiting_people.snapshot_date then 1 else 0 end) as is_known,
        max(
            case
                when
                    events.event_start_date <= waiting_people.snapshot_date
                    and (events.event_end_date is null or events.event_end_date >= waiting_people.snapshot_date)
                    then 1
                else 0
            end
        ) as is_open
    from waiting_people
    left join council_people on waiting_people.person_key = council_people.person_key
    left join events on waiting_people.person_key = events.person_key
    group by
        waiting_people.month_start, waiting_people.snapshot_date, waiting_people.service_code, waiting_people.person_key

),

carer_returns as (

    select
        cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) as month_start,
        max(snapshot_date) as snapshot_date
    from carer_snapshots
    group by cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date)

),

carer_flags as (

    select
        carer_returns.month_start,
        carer_returns.snapshot_date,
        carer_snapshots.carer_ref,
        case when council_people.known_from <= carer_returns.snapshot_date then 1 else 0 end as is_known
    from carer_returns
    inner join carer_snapshots on carer_returns.snapshot_date = carer_snapshots.snapshot_date
    left join council_people on carer_snapshots.person_key = council_people.person_key

),

concern_flags as (

    select
        cast({{ dbt.date_trunc('month', 'concerns.received_date') }} as date) as month_start,
        concerns.concern_id,
        case when council_people.known_from < concerns.received_date then 0 else 1 end as is_unknown
    from concerns
    left join council_people on concerns.person_key = council_people.person_key

),

measures as (

    select
        service_code || '_waiting_visible_to_council' as measure,
        'health' as source_system,
        month_start,
        snapshot_date as as_of_date,
        sum(is_open) as numerator,
        count(*) as denominator
    from waiting_flags
    group by service_code, month_start, snapshot_date

    union all

    select
        service_code || '_waiting_known_to_council' as measure,
        'health' as source_system,
        month_start,
        snapshot_date as as_of_date,
        sum(is_known) as numerator,
        count(*) as denominator
    from waiting_flags
    group by service_code, month_start, snapshot_date

    union all

    select
        'carers_hub_carers_linked_to_council' as measure,
        'carers_hub' as source_system,
        month_start,
        snapshot_date as as_of_date,
        sum(is_known) as numerator,
        count(*) as denominator
    from carer_flags
    group by month_start, snapshot_date

    union all

    select
        'safeguarding_concerns_unknown_to_council' as measure,
        'safeguarding' as source_system,
        month_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as as_of_date,
        sum(is_unknown) as numerator,
        count(*) as denominator
    from concern_flags
    group by month_start

),

final as (

    select
        {{ dbt.concat(['measure', "'|'", 'cast(month_start as ' ~ dbt.type_string() ~ ')']) }}
            as visibility_key,
        measure,
        source_system,
        month_start,
        as_of_date,
        numerator,
        denominator,
        case when denominator > 0 then cast(numerator as double precision) / denominator end as share
    from measures

)

select * from final
