{#-
    Long-term support clients by month: one row per person (person_key, the person of the unique-event rule) and
    month end on which they had an open long-term service (service user, service type group "Long term support"),
    from the first month end after the data horizon (the earliest request, assessment or review the feed holds: the
    council's first full extract starts there, though long-term services began earlier) to the last month end on or
    before the latest extract date.
    Review status on the month end (reviews of long-term support, completed by then, from int_events__unique):
    the review is due 12 months after the later of the person's latest completed review and the start of their
    spell of long-term support (int_services__long_term_spells); it is up to date while that date is after the
    month end, and overdue from it. "Reviews up to date" is the share of everyone with long-term support on the month
    end reviewed in the previous 12 months (is_reviewed_12_months): people in their first year of support are not
    yet reviewed, people supported longer are reviewed or overdue. Person fields (primary support reason, accommodation, locality) are those the
    council holds today (int_services__client_attributes, type 1); age is on the month end.
    A table, not incremental: each month end is recomputed because late updates and deletions change past months.
-#}

with events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

),

services as (

    select * from {{ ref('int_services__service_events') }}
    where is_long_term and client_type = 'Service user'

),

spells as (

    select * from {{ ref('int_services__long_term_spells') }}

),

attributes as (

    select * from {{ ref('int_services__client_attributes') }}

),

accommodation_statuses as (

    select
        value as accommodation_status,
        cast(settled as integer) as settled
    from {{ ref('cld_accommodation_status') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

horizon as (

    select
        min(case when event_type != 'Service' then event_start_date end) as data_start_date,
        max(extract_date) as data_end_date
    from events

),

month_ends as (

    select all_month_ends.snapshot_date
    from (
        select distinct
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date) as snapshot_date
        from calendar
    ) as all_month_ends
    cross join horizon
    where
        all_month_ends.snapshot_date > horizon.data_start_date
        and all_month_ends.snapshot_date <= horizon.data_end_date

),

open_services as (

    select
        month_ends.snapshot_date,
        services.person_key,
        services.setting,
        services.is_direct_payment,
        services.is_self_directed,
        services.weekly_cost
    from month_ends
    inner join services
        on
        month_ends.snapshot_date >= services.event_start_date
        and (services.event_end_date is null or month_ends.snapshot_date <= services.event_end_date)

),

people_months as (

    select
        snapshot_date,
        person_key,
        count(*) as open_long_term_services,
        max(case when setting = 'Community' then 1 else 0 end) as has_community,
        max(case when setting = 'Residential' then 1 else 0 end) as has_residential,
        max(case when setting = 'Nursing' then 1 else 0 end) as has_nursing,
        max(case when setting = 'Community' and is_direct_payment then 1 else 0 end) as has_community_direct_payment,
        max(case when setting = 'Community' and is_self_directed then 1 else 0 end) as has_community_self_directed,
        sum(weekly_cost) as weekly_cost
    from open_services
    group by snapshot_date, person_key

),

long_term_reviews as (

    select
        person_key,
        event_end_date
    from events
    where
        event_type = 'Review'
        and event_end_date is not null
        and (review_reason is null or review_reason != 'Review of short term support')

),

latest_reviews as (

    select
        people_months.snapshot_date,
        people_months.person_key,
        max(long_term_reviews.event_end_date) as last_review_date
    from people_months
    inner join long_term_reviews
        on
        people_months.person_key = long_term_reviews.person_key
        and people_months.snapshot_date >= long_term_reviews.event_end_date
    group by people_months.snapshot_date, people_months.person_key

),

with_status as (

    select
        people_months.*,
        spells.spell_start_date,
        latest_reviews.last_review_date,
        case
            when latest_reviews.last_review_date > spells.spell_start_date then latest_reviews.last_review_date
            else spells.spell_start_date
        end as review_clock_start_date,
        attributes.cld_person_key,
        attributes.council_person_id,
        attributes.birth_date,
        attributes.gender,
        attributes.primary_support_reason,
        attributes.accommodation_status,
        attributes.client_funding_status,
        attributes.locality,
        attributes.team,
        accommodation_statuses.settled
    from people_months
    left join spells
        on
        people_months.person_key = spells.person_key
        and people_months.snapshot_date >= spells.spell_start_date
        and (spells.spell_end_date is null or people_months.snapshot_date <= spells.spell_end_date)
    left join latest_reviews
        on
        people_months.person_key = latest_reviews.person_key
        and people_months.snapshot_date = latest_reviews.snapshot_date
    left join attributes on people_months.person_key = attributes.person_key
    left join accommodation_statuses on attributes.accommodation_status = accommodation_statuses.accommodation_status

),

aged as (

    select
        with_status.*,
        case
            when birth_date is not null
                then
                    extract(year from snapshot_date) - extract(year from birth_date)
                    - case when extract(month from snapshot_date) < extract(month from birth_date) then 1 else 0 end
        end as age_on_snapshot,
        cast({{ dbt.dateadd('month', 12, 'review_clock_start_date') }} as date) as review_due_date
    from with_status

),

final as (

    select
        {{ dbt.concat(['person_key', "'|'", 'cast(snapshot_date as ' ~ dbt.type_string() ~ ')']) }}
            as people_supported_monthly_key,
        snapshot_date,
        person_key,
        cld_person_key,
        council_person_id,
        gender,
        primary_support_reason,
        case
            when primary_support_reason like 'Physical support%' then 'Physical support'
            when primary_support_reason like 'Sensory support%' then 'Sensory support'
            when primary_support_reason like 'Social support%' then 'Social support'
            when primary_support_reason is null then 'Unknown'
            else primary_support_reason
        end as primary_support_reason_group,
        case
            when primary_support_reason like 'Physical support%' and age_on_snapshot >= 65
                then 'Physical support 65+'
            when primary_support_reason like 'Physical support%' and age_on_snapshot >= 18
                then 'Physical support 18-64'
            when primary_support_reason = 'Learning disability support' then 'Learning disability'
            when primary_support_reason = 'Mental health support' then 'Mental health'
            else 'Other'
        end as support_group,
        age_on_snapshot,
        case
            when age_on_snapshot is null then null
            when age_on_snapshot < 18 then 'Under 18'
            when age_on_snapshot <= 24 then '18-24'
            when age_on_snapshot <= 44 then '25-44'
            when age_on_snapshot <= 64 then '45-64'
            when age_on_snapshot <= 74 then '65-74'
            when age_on_snapshot <= 84 then '75-84'
            when age_on_snapshot <= 94 then '85-94'
            else '95+'
        end as age_band,
        case
            when age_on_snapshot is null or age_on_snapshot < 18 then null
            when age_on_snapshot <= 64 then '18-64'
            else '65+'
        end as working_age_band,
        locality,
        team,
        case
            when has_nursing = 1 then 'Nursing'
            when has_residential = 1 then 'Residential'
            when has_community = 1 then 'Community'
            else 'Prison'
        end as setting,
        open_long_term_services,
        has_community = 1 as is_community,
        has_community_direct_payment = 1 as is_community_direct_payment,
        has_community_self_directed = 1 as is_community_self_directed,
        weekly_cost,
        accommodation_status,
        coalesce(settled = 1, false) as is_settled_accommodation,
        client_funding_status,
        spell_start_date as long_term_spell_start_date,
        spell_start_date <= cast({{ dbt.dateadd('month', -12, 'snapshot_date') }} as date) as is_supported_12_months,
        last_review_date,
        coalesce(last_review_date > cast({{ dbt.dateadd('month', -12, 'snapshot_date') }} as date), false)
            as is_reviewed_12_months,
        review_due_date,
        review_due_date > snapshot_date as is_review_up_to_date,
        case when review_due_date <= snapshot_date then review_due_date end as review_overdue_since,
        case
            when review_due_date <= snapshot_date
                then {{ dbt.datediff('review_due_date', 'snapshot_date', 'day') }}
        end as days_review_overdue
    from aged

)

select * from final
