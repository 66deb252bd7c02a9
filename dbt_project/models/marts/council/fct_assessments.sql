{{
    config(
        materialized='incremental',
        unique_key='person_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["{{ delete_unmatched(ref('int_events__unique'), {'assessment_id': 'event_reference', 'person_key': 'person_key'}, {'event_type': 'Assessment'}) }}", "{{ refresh_statistics() }}"]
    )
}}
{#-
    One row per unique assessment event (national unique-event rule, int_events__unique): type, method and team
    (dim_assessment), primary support reason, age band, start and completed dates, eligible needs, and the wait: when
    the assessment is the first following assessment of a request (fct_requests), the days from that request, and,
    when the request was a new client's (ASCOF rule), days_waited (the ASCOF waiting time for assessment).
    Incremental (delete+insert on person_key), as fct_requests: a person is recomputed when the fingerprint of their
    events in int_events__unique differs from the stored one; the post-hook removes assessments that no longer exist.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

),

all_assessments as (

    select * from events
    where event_type = 'Assessment'

),

requests as (

    select * from {{ ref('fct_requests') }}
    where first_assessment_id is not null

),

event_outcomes as (

    select
        value as event_outcome,
        "group" as outcome_group
    from {{ ref('cld_event_outcome') }}

),

assessment_dimension as (

    select * from {{ ref('dim_assessment') }}

),

{{ touched_people('assessments', 'all_assessments') }},

final as (

    select
        assessments.event_reference as assessment_id,
        assessment_dimension.assessment_key,
        assessments.person_key,
        assessments.cld_person_key,
        assessments.council_person_id,
        assessments.client_type,
        assessments.assessment_type,
        assessment_dimension.assessment_method,
        coalesce(assessment_dimension.is_social_work_assessment, true) as is_social_work_assessment,
        assessments.team,
        assessments.locality,
        assessments.primary_support_reason,
        case
            when assessments.primary_support_reason like 'Physical support:%' then 'Physical support'
            when assessments.primary_support_reason like 'Sensory support:%' then 'Sensory support'
            when assessments.primary_support_reason like 'Social support:%' then 'Social support'
            when assessments.primary_support_reason = 'Support with memory and cognition' then 'Memory and cognition'
            when assessments.primary_support_reason = 'Learning disability support' then 'Learning disability'
            when assessments.primary_support_reason = 'Mental health support' then 'Mental health'
            when assessments.primary_support_reason = 'Unknown' then 'Unknown'
        end as primary_support_reason_group,
        assessments.gender,
        assessments.ethnicity,
        assessments.age_at_start,
        assessments.age_band,
        assessments.working_age_band,
        assessments.event_start_date as assessment_start_date,
        assessments.event_end_date as completed_date,
        assessments.event_end_date is not null as is_completed,
        {{ dbt.datediff('assessments.event_start_date', 'assessments.event_end_date', 'day') }}
            as assessment_duration_days,
        assessments.event_outcome,
        assessments.outcome_rank,
        event_outcomes.outcome_group,
        assessments.eligible_needs_identified,
        requests.request_id,
        requests.request_start_date,
        requests.route_of_access as request_route_of_access,
        requests.is_new_client as is_new_client_request,
        requests.days_to_first_assessment as days_from_request,
        requests.days_waited_for_assessment as days_waited,
        person_fingerprints.fingerprint_event_count as person_event_count,
        person_fingerprints.fingerprint_loaded_seconds as person_loaded_seconds,
        person_fingerprints.fingerprint_events_hash as person_events_hash,
        assessments.loaded_at
    from assessments
    left join assessment_dimension
        on assessment_dimension.assessment_type = coalesce(assessments.assessment_type, 'Not recorded')
        and assessment_dimension.team = coalesce(assessments.team, 'Not recorded')
    left join event_outcomes on assessments.event_outcome = event_outcomes.event_outcome
    left join requests
        on assessments.event_reference = requests.first_assessment_id
        and assessments.person_key = requests.person_key
    left join person_fingerprints on assessments.person_key = person_fingerprints.person_key

)

select * from final
