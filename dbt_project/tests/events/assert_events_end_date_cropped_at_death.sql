{{ config(severity='error', tags=['protects:fct_assessments', 'protects:fct_service_episodes'],
    meta={'rule': 'national-rules: an event end date is cropped to the date of death where that comes first'}) }}
{#- After cropping, no event ends after the date of death (or stays open past it) when death came after its start;
    and a cropped end is the date of death. -#}
select
    event_reference,
    event_start_date,
    event_end_date,
    event_end_date_as_delivered,
    death_date
from {{ ref('int_events__latest') }}
where
    death_date is not null
    and death_date >= event_start_date
    and (
        event_end_date is null
        or event_end_date > death_date
        or (event_end_date_as_delivered is null and event_end_date != death_date)
        or (event_end_date_as_delivered > death_date and event_end_date != death_date)
    )
