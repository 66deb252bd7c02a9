{{ config(severity='error', tags=['protects:fct_requests'],
    meta={'rule': 'national-rules: request events of one person <= 4 days apart are one request'}) }}
{#- Consecutive clustered requests of a person start more than var('request_cluster_days') days after the previous
    cluster's last request event; and every request event is in exactly one cluster. -#}
with ordered as (

    select
        person_key,
        request_id,
        last_event_start_date,
        lead(request_start_date) over (partition by person_key order by request_start_date) as next_start_date
    from {{ ref('int_requests__clustered') }}

),

too_close as (

    select person_key, request_id, 'clusters too close' as problem
    from ordered
    where next_start_date is not null
        and {{ dbt.datediff('last_event_start_date', 'next_start_date', 'day') }} <= {{ var('request_cluster_days') }}

),

counts as (

    select 'request events lost or doubled' as problem
    from {{ ref('int_requests__clustered') }}
    having sum(request_event_count) != (
        select count(*) from {{ ref('int_events__unique') }} where event_type = 'Request'
    )

)

select person_key, request_id, problem from too_close
union all
select null, null, problem from counts
