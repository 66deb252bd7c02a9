{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_requests__clustered'), {'request_id': 'request_id', 'person_key': 'person_key'}) }}", "{{ refresh_statistics() }}"]
    )
}}
{#-
    One row per request for support (requests of one person <= 4 days apart clustered into one, national rule;
    int_requests__clustered), with:
    - is_new_client, the ASCOF waiting-time rule: no long-term service ending in the 12 months before the request
      (or still open at it), and no short-term ST-Max or other short-term service ending in the 3 months before;
    - the first following assessment: the person's first assessment (other than a financial assessment) starting on
      or after the request start, before the person's next request (which then owns the assessment) and no later
      than the first service starting on or after the request (an assessment after reablement or a service answers
      that service, not the request);
    - days_waited_for_assessment: request start to that assessment's start, for new clients only (ASCOF);
    - the wait for an assessment (the social work waiting list): a request waits from its start until its first
      following assessment; a request decided 'Progress to assessment, review or reassessment' with no assessment yet
      waits until the person's next request, a service starting, or death (the latest death date recorded on any of
      the person's events), or is still waiting.
    Incremental (delete+insert on person_key): a person is recomputed when the fingerprint of their events in
    int_events__unique (count and sum of load times) differs from the stored one; the post-hook removes requests that
    no longer exist.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

),

all_requests as (

    select * from {{ ref('int_requests__clustered') }}

),

event_outcomes as (

    select
        value as event_outcome,
        "group" as outcome_group
    from {{ ref('cld_event_outcome') }}

),

{{ touched_people('requests', 'all_requests') }},

services as (

    select * from events
    where
        events.event_type = 'Service'
        and events.person_key in (select requests.person_key from requests)

),

assessments as (

    select * from events
    where
        event_type = 'Assessment'
        and (assessment_type is null or assessment_type != 'Financial assessment')
        and events.person_key in (select requests.person_key from requests)

),

person_deaths as (

    select
        person_key,
        max(death_date) as person_death_date
    from events
    where events.person_key in (select requests.person_key from requests)
    group by person_key

),

sequenced as (

    select
        requests.*,
        lead(requests.request_start_date) over (
            partition by requests.person_key order by requests.request_start_date, requests.request_id
        ) as next_request_start_date
    from requests

),

new_client_check as (

    select
        sequenced.request_id,
        max(
            case
                when
                    services.service_type like 'Long term support:%'
                    and (
                        services.event_end_date is null
                        or services.event_end_date >= {{ dbt.dateadd('month', -12, 'sequenced.request_start_date') }}
                    )
                    then 1
                when
                    services.service_type in ('Short term support: ST-Max', 'Short term support: Other short term')
                    and (
                        services.event_end_date is null
                        or services.event_end_date >= {{ dbt.dateadd('month', -3, 'sequenced.request_start_date') }}
                    )
                    then 1
                else 0
            end
        ) as has_recent_service
    from sequenced
    inner join services
        on sequenced.person_key = services.person_key
        and sequenced.request_start_date > services.event_start_date
    group by sequenced.request_id

),

next_service as (

    select
        sequenced.request_id,
        min(services.event_start_date) as next_service_start_date
    from sequenced
    inner join services
        on sequenced.person_key = services.person_key
        and sequenced.request_start_date <= services.event_start_date
    group by sequenced.request_id

),

candidate_assessments as (

    select
        sequenced.request_id,
        assessments.event_reference as assessment_id,
        assessments.event_start_date as assessment_start_date,
        assessments.assessment_type,
        row_number() over (
            partition by sequenced.request_id
            order by assessments.event_start_date, assessments.event_reference
        ) as assessment_order
    from sequenced
    left join next_service on sequenced.request_id = next_service.request_id
    inner join assessments
        on sequenced.person_key = assessments.person_key
        and sequenced.request_start_date <= assessments.event_start_date
        and (
            sequenced.next_request_start_date is null
            or sequenced.next_request_start_date > assessments.event_start_date
        )
        and (
            next_service.next_service_start_date is null
            or next_service.next_service_start_date >= assessments.event_start_date
        )

),

first_assessments as (

    select * from candidate_assessments
    where assessment_order = 1

),

joined as (

    select
        sequenced.*,
        event_outcomes.outcome_group,
        coalesce(new_client_check.has_recent_service, 0) = 0 as is_new_client,
        next_service.next_service_start_date,
        first_assessments.assessment_id as first_assessment_id,
        first_assessments.assessment_start_date as first_assessment_start_date,
        first_assessments.assessment_type as first_assessment_type,
        person_deaths.person_death_date,
        person_fingerprints.fingerprint_event_count,
        person_fingerprints.fingerprint_loaded_seconds,
        person_fingerprints.fingerprint_events_hash
    from sequenced
    left join person_deaths on sequenced.person_key = person_deaths.person_key
    left join event_outcomes on sequenced.event_outcome = event_outcomes.event_outcome
    left join new_client_check on sequenced.request_id = new_client_check.request_id
    left join next_service on sequenced.request_id = next_service.request_id
    left join first_assessments on sequenced.request_id = first_assessments.request_id
    left join person_fingerprints on sequenced.person_key = person_fingerprints.person_key

),

waits as (

    select
        joined.*,
        coalesce(
            first_assessment_id is not null
            or event_outcome = 'Progress to assessment, review or reassessment',
            false
        ) as awaited_assessment,
        case
            when first_assessment_start_date is not null then first_assessment_start_date
            when event_outcome = 'Progress to assessment, review or reassessment'
                then nullif(
                    least(
                        coalesce(next_request_start_date, cast('9999-12-31' as date)),
                        coalesce(next_service_start_date, cast('9999-12-31' as date)),
                        coalesce(person_death_date, cast('9999-12-31' as date))
                    ),
                    cast('9999-12-31' as date)
                )
        end as waiting_ended_date
    from joined

),

final as (

    select
        request_id,
        person_key,
        cld_person_key,
        council_person_id,
        client_type,
        request_start_date,
        request_end_date,
        route_of_access,
        event_outcome,
        outcome_rank,
        outcome_group,
        team,
        locality,
        primary_support_reason,
        case
            when primary_support_reason like 'Physical support:%' then 'Physical support'
            when primary_support_reason like 'Sensory support:%' then 'Sensory support'
            when primary_support_reason like 'Social support:%' then 'Social support'
            when primary_support_reason = 'Support with memory and cognition' then 'Memory and cognition'
            when primary_support_reason = 'Learning disability support' then 'Learning disability'
            when primary_support_reason = 'Mental health support' then 'Mental health'
            when primary_support_reason = 'Unknown' then 'Unknown'
        end as primary_support_reason_group,
        gender,
        ethnicity,
        age_at_start,
        age_band,
        working_age_band,
        person_death_date,
        request_event_count,
        is_new_client,
        next_request_start_date,
        next_service_start_date,
        first_assessment_id,
        first_assessment_start_date,
        first_assessment_type,
        {{ dbt.datediff('request_start_date', 'first_assessment_start_date', 'day') }}
            as days_to_first_assessment,
        case
            when is_new_client
                then {{ dbt.datediff('request_start_date', 'first_assessment_start_date', 'day') }}
        end as days_waited_for_assessment,
        awaited_assessment,
        case when awaited_assessment then waiting_ended_date end as waiting_ended_date,
        case
            when not awaited_assessment then null
            when first_assessment_start_date is not null then 'Assessment started'
            when waiting_ended_date is null then null
            when waiting_ended_date = next_request_start_date then 'New request'
            when waiting_ended_date = next_service_start_date then 'Service started'
            when waiting_ended_date = person_death_date then 'Died'
        end as waiting_end_reason,
        coalesce(awaited_assessment and waiting_ended_date is null, false) as is_still_awaiting_assessment,
        fingerprint_event_count as person_event_count,
        fingerprint_loaded_seconds as person_loaded_seconds,
        fingerprint_events_hash as person_events_hash,
        loaded_at
    from waits

)

select * from final
