{{ config(severity='error', tags=['protects:fct_requests', 'protects:fct_assessments'],
    meta={'rule': 'national-rules: new clients only - no long-term service ending in the 12 months before, no short-term ST-Max or other short-term service ending in the 3 months before'}) }}
{#- Re-derive the exclusions the other way round: a request flagged new must have no such service, and a request
    flagged not new must have one. -#}
with services as (

    select
        person_key,
        service_type,
        event_start_date,
        event_end_date
    from {{ ref('int_events__unique') }}
    where event_type = 'Service'

),

evidence as (

    select distinct requests.request_id
    from {{ ref('fct_requests') }} as requests
    inner join services
        on requests.person_key = services.person_key
        and requests.request_start_date > services.event_start_date
    where
        (
            services.service_type like 'Long term support:%'
            and coalesce(services.event_end_date, requests.request_start_date)
            >= {{ dbt.dateadd('month', -12, 'requests.request_start_date') }}
        )
        or (
            services.service_type in ('Short term support: ST-Max', 'Short term support: Other short term')
            and coalesce(services.event_end_date, requests.request_start_date)
            >= {{ dbt.dateadd('month', -3, 'requests.request_start_date') }}
        )

)

select
    requests.request_id,
    requests.is_new_client
from {{ ref('fct_requests') }} as requests
left join evidence on requests.request_id = evidence.request_id
where requests.is_new_client = (evidence.request_id is not null)
