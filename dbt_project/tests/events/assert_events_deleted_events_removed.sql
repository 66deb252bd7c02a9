{{ config(severity='error', tags=['protects:fct_requests', 'protects:fct_assessments'],
    meta={'rule': 'feed spec: an event listed in council_deleted_events is removed from current state downstream'}) }}
{#- No event listed in council_deleted_events survives in the event models or the facts built on them. -#}
with deleted as (

    select distinct event_reference from {{ ref('stg_council__deleted_events') }}

),

survivors as (

    select
        'int_events__latest' as model_name,
        event_reference
    from {{ ref('int_events__latest') }}
    union all
    select
        'int_events__unique',
        event_reference
    from {{ ref('int_events__unique') }}
    union all
    select
        'fct_assessments',
        assessment_id
    from {{ ref('fct_assessments') }}
    union all
    select
        'fct_requests',
        request_id
    from {{ ref('fct_requests') }}

)

select survivors.*
from survivors
inner join deleted on survivors.event_reference = deleted.event_reference
