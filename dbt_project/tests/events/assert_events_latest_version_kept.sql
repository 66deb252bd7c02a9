{{ config(severity='error', tags=['protects:fct_requests', 'protects:fct_assessments'],
    meta={'rule': 'feed spec: every version kept in raw; the latest extract wins downstream'}) }}
{#- The version kept for an event is the one from its latest extract (then latest load, then latest source row). -#}
with versions as (

    select
        event_reference,
        max(extract_date) as latest_extract_date
    from {{ ref('stg_council__events') }}
    group by event_reference

)

select
    latest.event_reference,
    latest.extract_date,
    versions.latest_extract_date
from {{ ref('int_events__latest') }} as latest
inner join versions on latest.event_reference = versions.event_reference
where latest.extract_date != versions.latest_extract_date
