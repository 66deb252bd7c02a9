{{
    config(
        materialized='incremental',
        unique_key='concern_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}
{#-
    One row per adult safeguarding concern (source-feeds 4a): the latest version (latest extract, then latest loaded,
    then latest row) of the daily 24-month snapshot, stored changes-only. A concern that ages out of the snapshot
    keeps its last version. The person key is the linkage's (source_system safeguarding, source_id concern id);
    known_to_council is whether the concern carried a council person id. county_adult_population (the sum of the
    six districts' adult population, ref locality) lets the semantic layer rate concerns per 100,000 adults.
    Incremental (delete+insert on concern_id): concerns with rows loaded since the last build, whose kept version's
    delivery is no longer in force, or whose person key changed, are recomputed from full history.
-#}

with concerns as (

    select * from {{ ref('stg_safeguarding__concerns') }}

),

risk_types as (

    select value from {{ ref('sg_type_of_risk') }}

),

population as (

    select sum(cast(adult_population_approx as integer)) as county_adult_population
    from {{ ref('locality') }}

),

person_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'safeguarding'

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('concerns', 'concern_id') }}
    union
    select t.concern_id
    from {{ this }} as t
    left join person_keys on t.concern_id = person_keys.source_id
    cross join population
    where
        coalesce(t.person_key, '') != coalesce(person_keys.person_key, '')
        or t.county_adult_population != population.county_adult_population

),

scoped as (

    select concerns.*
    from concerns
    inner join touched on concerns.concern_id = touched.concern_id

),
{% else %}
scoped as (

    select * from concerns

),
{% endif %}

ranked as (

    select
        scoped.*,
        row_number() over (
            partition by concern_id
            order by extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from scoped

),

latest as (

    select * from ranked
    where version_rank = 1

),

recognised_types as (

    -- the ';'-separated list, matched portably: a code is present when ';code;' is within ';list;'
    select
        latest.concern_id,
        count(*) as risk_types_recognised
    from latest
    inner join risk_types
        on position(';' || risk_types.value || ';' in ';' || latest.types_of_risk || ';') > 0
    group by latest.concern_id

),

derived as (

    select
        latest.concern_id,
        person_keys.person_key,
        latest.council_person_id,
        latest.council_person_id is not null as is_known_to_council,
        latest.nhs_number,
        latest.received_date,
        latest.referral_source,
        latest.types_of_risk,
        case
            when latest.types_of_risk is null then 0
            else length(latest.types_of_risk) - length(replace(latest.types_of_risk, ';', '')) + 1
        end as risk_type_count,
        coalesce(recognised_types.risk_types_recognised, 0) as risk_types_recognised,
        latest.location_of_risk,
        latest.source_of_risk,
        coalesce(latest.decision, 'Pending') as decision,
        latest.decision_date,
        coalesce(latest.decision in ('Section 42 enquiry', 'Other enquiry'), false) as led_to_enquiry,
        coalesce(latest.decision = 'Section 42 enquiry', false) as led_to_section_42_enquiry,
        case
            when latest.decision_date is not null
                then {{ dbt.datediff('latest.received_date', 'latest.decision_date', 'day') }}
        end as days_to_decision,
        latest.locality,
        latest.birth_date,
        case
            when latest.birth_date is not null
                then
                    extract(year from latest.received_date) - extract(year from latest.birth_date)
                    - case
                        when extract(month from latest.received_date) < extract(month from latest.birth_date)
                            then 1
                        else 0
                    end
        end as age_at_concern,
        population.county_adult_population,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    cross join population
    left join recognised_types on latest.concern_id = recognised_types.concern_id
    left join person_keys on latest.concern_id = person_keys.source_id

),

final as (

    select
        concern_id,
        person_key,
        council_person_id,
        is_known_to_council,
        nhs_number,
        received_date,
        referral_source,
        types_of_risk,
        risk_type_count,
        risk_types_recognised,
        location_of_risk,
        source_of_risk,
        decision,
        decision_date,
        led_to_enquiry,
        led_to_section_42_enquiry,
        days_to_decision,
        locality,
        birth_date,
        age_at_concern,
        case
            when age_at_concern is null then null
            when age_at_concern < 18 then 'Under 18'
            when age_at_concern <= 24 then '18-24'
            when age_at_concern <= 44 then '25-44'
            when age_at_concern <= 64 then '45-64'
            when age_at_concern <= 74 then '65-74'
            when age_at_concern <= 84 then '75-84'
            when age_at_concern <= 94 then '85-94'
            else '95+'
        end as age_band,
        county_adult_population,
        delivery_id,
        file_name,
        source_row,
        extract_date,
        loaded_at
    from derived

)

select * from final
