{{ config(severity='error', tags=['protects:fct_assessments', 'protects:fct_requests'],
    meta={'rule': 'national-rules: age at an event is counted from the first day of the birth month; CLD age bands'}) }}
{#- Re-derive the age from whole months between the first of the birth month and the event start, and the band. -#}
with recomputed as (

    select
        event_reference,
        age_at_start,
        age_band,
        working_age_band,
        floor(
            (
                12 * (extract(year from event_start_date) - extract(year from birth_date))
                + extract(month from event_start_date) - extract(month from birth_date)
            ) / 12.0
        ) as expected_age
    from {{ ref('int_events__latest') }}
    where birth_date is not null

)

select *
from recomputed
where
    age_at_start != expected_age
    or (expected_age between 18 and 24 and age_band != '18-24')
    or (expected_age between 25 and 44 and age_band != '25-44')
    or (expected_age between 45 and 64 and age_band != '45-64')
    or (expected_age between 65 and 74 and age_band != '65-74')
    or (expected_age between 75 and 84 and age_band != '75-84')
    or (expected_age between 85 and 94 and age_band != '85-94')
    or (expected_age >= 95 and age_band != '95+')
    or (expected_age between 18 and 64 and working_age_band != '18-64')
    or (expected_age >= 65 and working_age_band != '65+')
