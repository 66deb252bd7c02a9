{#-
    How completely each of the nine Equality Act 2010 characteristics is recorded, per month: people by recording
    status, for the people each source system served that month, by the team and locality that served them.

    The people of a month (population), per source system, each once with one team and locality:
    - council: people with a unique CLD event (int_events__unique) open at any time in the month; team and locality
      of their latest-starting such event;
    - health: people with a trust referral (fct_health_referrals) received by the month's end and not ended before
      it began; team and locality of their latest such referral;
    - carers_hub: carers active on the Carers Hub's return of the month (fct_carer_register_snapshots); team
      'Carers Hub', locality 'Not recorded' (the hub records none).
    Two bases per population: 'source' is what that system's own records stated as of the month's as-of date (its
    last day, or the latest extract date in the data): the system's latest statement about the person by then (of
    several records in one system, the latest observed; dim_person's rule); 'linked' is the best across every linked system, the dim_person
    version in force on the as-of date (its survivorship rules).
-#}

with observations as (

    select * from {{ ref('int_person_observations') }}

),

statuses as (

    select * from {{ ref('recording_status') }}

),

people as (

    select * from {{ ref('dim_person') }}

),

events as (

    select * from {{ ref('int_events__unique') }}

),

referrals as (

    select * from {{ ref('fct_health_referrals') }}

),

carer_snapshots as (

    select * from {{ ref('fct_carer_register_snapshots') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

horizon as (

    select
        min(observed_on) as first_date,
        max(observed_on) as last_date
    from observations

),

months as (

    select
        calendar.month_start,
        case
            when max(calendar.date_day) > max(horizon.last_date) then max(horizon.last_date)
            else max(calendar.date_day)
        end as as_of_date
    from calendar
    cross join horizon
    where calendar.date_day between horizon.first_date and horizon.last_date
    group by calendar.month_start

),

council_served as (

    select
        months.month_start,
        months.as_of_date,
        events.person_key,
        events.team,
        events.locality,
        row_number() over (
            partition by months.month_start, events.person_key
            order by events.event_start_date desc, events.event_reference desc
        ) as served_rank
    from months
    inner join events
        on months.as_of_date >= events.event_start_date
        and (events.event_end_date is null or months.month_start <= events.event_end_date)

),

health_served as (

    select
        months.month_start,
        months.as_of_date,
        referrals.person_key,
        referrals.team,
        referrals.locality,
        row_number() over (
            partition by months.month_start, referrals.person_key
            order by referrals.received_at desc, referrals.referral_id desc
        ) as served_rank
    from months
    inner join referrals
        on months.as_of_date >= referrals.received_date
        and (referrals.episode_ended_date is null or months.month_start <= referrals.episode_ended_date)
    where referrals.person_key is not null

),

carers_served as (

    select
        months.month_start,
        months.as_of_date,
        carer_snapshots.person_key,
        'Carers Hub' as team,
        cast(null as {{ dbt.type_string() }}) as locality,
        row_number() over (
            partition by months.month_start, carer_snapshots.person_key
            order by carer_snapshots.snapshot_date desc, carer_snapshots.carer_ref desc
        ) as served_rank
    from months
    inner join carer_snapshots
        on carer_snapshots.snapshot_date between months.month_start and months.as_of_date
    where carer_snapshots.person_key is not null

),

population as (

    select
        'council' as source_system,
        month_start,
        as_of_date,
        person_key,
        team,
        locality
    from council_served
    where served_rank = 1
    union all
    select
        'health' as source_system,
        month_start,
        as_of_date,
        person_key,
        team,
        locality
    from health_served
    where served_rank = 1
    union all
    select
        'carers_hub' as source_system,
        month_start,
        as_of_date,
        person_key,
        team,
        locality
    from carers_served
    where served_rank = 1

),

observation_periods as (

    select
        observations.*,
        lead(observations.observed_on) over (
            partition by observations.person_key, observations.source_system
            order by observations.observed_on, observations.source_id
        ) as next_observed_on
    from observations

),

observation_statuses as (

    {{ observation_recording_statuses(
        'observation_periods', 'statuses',
        ['person_key', 'source_system', 'source_id', 'observed_on', 'next_observed_on']
    ) }}

),

source_statuses as (

    select
        population.source_system,
        population.month_start,
        population.person_key,
        observation_statuses.characteristic,
        min({{ recording_status_rank('observation_statuses.recording_status') }}) as status_rank
    from population
    inner join observation_statuses
        on population.person_key = observation_statuses.person_key
        and population.source_system = observation_statuses.source_system
        and population.as_of_date >= observation_statuses.observed_on
        and (
            observation_statuses.next_observed_on is null
            or population.as_of_date < observation_statuses.next_observed_on
        )
    group by
        population.source_system, population.month_start, population.person_key, observation_statuses.characteristic

),

versions_in_force as (

    select
        population.source_system,
        population.month_start,
        people.*
    from population
    inner join people
        on population.person_key = people.person_key
        and population.as_of_date >= people.valid_from
        and (people.valid_to is null or population.as_of_date < people.valid_to)

),

linked_statuses as (

    {{ person_recording_statuses('versions_in_force', ['source_system', 'month_start', 'person_key']) }}

),

characteristics as (

    {%- for characteristic in equality_act_characteristics() %}
    select '{{ characteristic.name }}' as characteristic
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

population_statuses as (

    select
        population.source_system,
        'source' as basis,
        population.month_start,
        population.as_of_date,
        population.team,
        population.locality,
        population.person_key,
        characteristics.characteristic,
        {{ recording_status_of_rank('source_statuses.status_rank') }} as recording_status
    from population
    cross join characteristics
    left join source_statuses
        on population.source_system = source_statuses.source_system
        and population.month_start = source_statuses.month_start
        and population.person_key = source_statuses.person_key
        and characteristics.characteristic = source_statuses.characteristic

    union all

    select
        population.source_system,
        'linked' as basis,
        population.month_start,
        population.as_of_date,
        population.team,
        population.locality,
        population.person_key,
        characteristics.characteristic,
        coalesce(linked_statuses.recording_status, 'missing') as recording_status
    from population
    cross join characteristics
    left join linked_statuses
        on population.source_system = linked_statuses.source_system
        and population.month_start = linked_statuses.month_start
        and population.person_key = linked_statuses.person_key
        and characteristics.characteristic = linked_statuses.characteristic

),

final as (

    select
        {{ dbt.concat([
            'characteristic', "'|'", 'source_system', "'|'", 'basis', "'|'", "coalesce(team, 'Not recorded')", "'|'",
            "coalesce(locality, 'Not recorded')", "'|'", 'cast(month_start as ' ~ dbt.type_string() ~ ')', "'|'",
            'recording_status'
        ]) }} as completeness_key,
        characteristic,
        source_system,
        basis,
        coalesce(team, 'Not recorded') as team,
        coalesce(locality, 'Not recorded') as locality,
        month_start,
        as_of_date,
        recording_status,
        count(*) as people
    from population_statuses
    group by
        characteristic,
        source_system,
        basis,
        coalesce(team, 'Not recorded'),
        coalesce(locality, 'Not recorded'),
        month_start,
        as_of_date,
        recording_status

)

select * from final
