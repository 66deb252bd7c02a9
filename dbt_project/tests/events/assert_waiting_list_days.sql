{{ config(severity='error', tags=['protects:fct_social_work_waiting_list'],
    meta={'rule': 'waiting list: a request waits from its start until the day before its first following assessment'}) }}
{#- Every day on the list lies in the request's wait, days_waiting counts from the request, and a request answered
    by an assessment is on the list on every day of its wait. -#}
with list_days as (

    select
        request_id,
        count(*) as days_listed,
        min(snapshot_date) as first_day,
        max(snapshot_date) as last_day,
        sum(
            case
                when
                    days_waiting !=                                         {{ dbt.datediff('request_start_date', 'snapshot_date', 'day') }} then 1 else
                    0
            end
        )
            as wrong_days_waiting
    from {{ ref('fct_social_work_waiting_list') }}
    group by request_id

)

select
    requests.request_id,
    list_days.*
from {{ ref('fct_requests') }} as requests
inner join list_days on requests.request_id = list_days.request_id
where
    list_days.wrong_days_waiting > 0
    or list_days.first_day != requests.request_start_date
    or (requests.waiting_ended_date is not null and list_days.last_day >= requests.waiting_ended_date)
    or (
        requests.first_assessment_start_date is not null
        and list_days.days_listed
        != {{ dbt.datediff('requests.request_start_date', 'requests.first_assessment_start_date', 'day') }}
    )
