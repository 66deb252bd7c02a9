{#-
    What linking the four systems adds to the recording of protected characteristics: per population and
    characteristic, the share of people with a recorded value in each source system alone (the system's latest
    statement about the person, of several records the latest observed: dim_person's survivorship input) against the share with the best
    value across the linked systems (dim_person, current version), and the gain in percentage points.
    Populations: 'council' = people with a council person record (what the council could see before linkage is
    council_share); 'all' = everyone with a record in the council, the trust or the Carers Hub.
-#}

with observations as (

    select * from {{ ref('int_person_observations') }}

),

statuses as (

    select * from {{ ref('recording_status') }}

),

current_people as (

    select * from {{ ref('dim_person') }}
    where is_current

),

latest_observations as (

    select
        observations.*,
        row_number() over (
            partition by observations.person_key, observations.source_system
            order by observations.observed_on desc, observations.source_id desc
        ) as recency_rank
    from observations

),

record_statuses as (

    {{ observation_recording_statuses(
        'latest_observations', 'statuses', ['person_key', 'source_system', 'recency_rank']
    ) }}

),

source_statuses as (

    select
        person_key,
        source_system,
        characteristic,
        min({{ recording_status_rank('recording_status') }}) as status_rank
    from record_statuses
    where recency_rank = 1
    group by person_key, source_system, characteristic

),

linked_statuses as (

    {{ person_recording_statuses('current_people', ['person_key']) }}

),

observed_people as (

    select
        person_key,
        max(case when source_system = 'council' then 1 else 0 end) as has_council_record
    from observations
    group by person_key

),

populations as (

    select
        'council' as population,
        person_key
    from observed_people
    where has_council_record = 1
    union all
    select
        'all' as population,
        person_key
    from observed_people

),

person_characteristics as (

    select
        populations.population,
        populations.person_key,
        linked_statuses.characteristic,
        case when linked_statuses.recording_status = 'recorded' then 1 else 0 end as linked_recorded,
        max(
            case when source_statuses.source_system = 'council' and source_statuses.status_rank = 1 then 1 else 0 end
        ) as council_recorded,
        max(
            case when source_statuses.source_system = 'health' and source_statuses.status_rank = 1 then 1 else 0 end
        ) as health_recorded,
        max(
            case
                when source_statuses.source_system = 'carers_hub' and source_statuses.status_rank = 1 then 1 else 0
            end
        ) as carers_hub_recorded
    from populations
    inner join linked_statuses on populations.person_key = linked_statuses.person_key
    left join source_statuses
        on populations.person_key = source_statuses.person_key
        and linked_statuses.characteristic = source_statuses.characteristic
    group by
        populations.population,
        populations.person_key,
        linked_statuses.characteristic,
        linked_statuses.recording_status

),

counted as (

    select
        population,
        characteristic,
        count(*) as people,
        sum(council_recorded) as council_recorded,
        sum(health_recorded) as health_recorded,
        sum(carers_hub_recorded) as carers_hub_recorded,
        sum(linked_recorded) as linked_recorded
    from person_characteristics
    group by population, characteristic

),

shares as (

    select
        counted.*,
        cast(council_recorded as double precision) / people as council_share,
        cast(health_recorded as double precision) / people as health_share,
        cast(carers_hub_recorded as double precision) / people as carers_hub_share,
        cast(linked_recorded as double precision) / people as linked_share
    from counted

),

final as (

    select
        {{ dbt.concat(['population', "'|'", 'characteristic']) }} as linkage_gain_key,
        population,
        characteristic,
        people,
        council_recorded,
        health_recorded,
        carers_hub_recorded,
        linked_recorded,
        council_share,
        health_share,
        carers_hub_share,
        case
            when council_share >= health_share and council_share >= carers_hub_share then council_share
            when health_share >= carers_hub_share then health_share
            else carers_hub_share
        end as best_single_source_share,
        linked_share,
        round(cast(100 * (linked_share - council_share) as numeric), 2) as gain_over_council_pp,
        round(
            cast(100 * (
                linked_share
                - case
                    when council_share >= health_share and council_share >= carers_hub_share then council_share
                    when health_share >= carers_hub_share then health_share
                    else carers_hub_share
                end
            ) as numeric),
            2
        ) as gain_over_best_single_source_pp
    from shares

)

select * from final
