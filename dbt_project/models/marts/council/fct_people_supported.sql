{#-
    People supported in each financial year (1 April to 31 March): one row per person (person_key, the person of the
    unique-event rule), financial year and client group -
    - 'Service user': people with long-term support (service user, service type group Long term support) at any time
      in the year;
    - 'Unpaid carer': carers with carer support (service type group Unpaid carer support) at any time in the year;
      is_direct_to_carer marks direct support to the carer (the ASCOF carers' direct payment base).
    Years run from the one holding the data horizon (the earliest request, assessment or review in the feed) to the one
    holding the latest extract date; the year's snapshot date is its end, or the latest extract date when earlier.
    Flags: settings and direct payments in the year and on the snapshot date (ASCOF 3D is measured on the long-term
    community clients of the snapshot date); settled accommodation (ASCOF 2E, seed cld_accommodation_status) from the
    accommodation status the council holds today (type 1). Age is on the person's last day of support in the year
    (counted from the first of the birth month); support_group is the self-assessment's grouping (Physical support
    65+ / 18-64, Learning disability, Mental health, Other).
-#}

with services as (

    select * from {{ ref('int_services__service_events') }}
    where
        (is_long_term and client_type = 'Service user')
        or service_group = 'Unpaid carer support'

),

events as (

    select * from {{ ref('int_events__unique') }}
    where event_reference is not null

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

financial_years as (

    select
        financial_years_all.financial_year_start,
        financial_years_all.year_start_date,
        financial_years_all.year_end_date,
        case
            when financial_years_all.year_end_date > horizon.data_end_date then horizon.data_end_date
            else financial_years_all.year_end_date
        end as snapshot_date
    from (
        select
            financial_year_start,
            min(date_day) as year_start_date,
            max(date_day) as year_end_date
        from calendar
        group by financial_year_start
    ) as financial_years_all
    cross join horizon
    where
        financial_years_all.year_end_date >= horizon.data_start_date
        and financial_years_all.year_start_date <= horizon.data_end_date

),

service_years as (

    select
        financial_years.financial_year_start,
        financial_years.year_start_date,
        financial_years.snapshot_date,
        services.person_key,
        case when services.is_long_term then 'Service user' else 'Unpaid carer' end as client_group,
        case
            when services.event_start_date > financial_years.year_start_date then services.event_start_date
            else financial_years.year_start_date
        end as support_from,
        case
            when services.event_end_date is null or services.event_end_date > financial_years.snapshot_date
                then financial_years.snapshot_date
            else services.event_end_date
        end as support_to,
        (services.event_end_date is null or services.event_end_date >= financial_years.snapshot_date)
        and services.event_start_date <= financial_years.snapshot_date as is_open_on_snapshot,
        services.setting,
        services.service_type,
        services.is_direct_payment,
        services.is_self_directed
    from financial_years
    inner join services
        on
        financial_years.snapshot_date >= services.event_start_date
        and (services.event_end_date is null or financial_years.year_start_date <= services.event_end_date)

),

people_years as (

    select
        financial_year_start,
        year_start_date,
        snapshot_date,
        person_key,
        client_group,
        count(*) as service_count,
        min(support_from) as first_support_date,
        max(support_to) as last_support_date,
        max(case when is_open_on_snapshot then 1 else 0 end) as on_snapshot,
        max(case when setting = 'Community' then 1 else 0 end) as community,
        max(case when setting = 'Residential' then 1 else 0 end) as residential,
        max(case when setting = 'Nursing' then 1 else 0 end) as nursing,
        max(case when service_type = 'Unpaid carer support: Direct to unpaid carer' then 1 else 0 end)
            as direct_to_carer,
        max(case when is_direct_payment then 1 else 0 end) as direct_payment,
        max(case when is_self_directed then 1 else 0 end) as self_directed,
        max(case when is_open_on_snapshot and setting = 'Community' then 1 else 0 end) as community_on_snapshot,
        max(case when is_open_on_snapshot and setting = 'Community' and is_direct_payment then 1 else 0 end)
            as community_direct_payment_on_snapshot,
        max(case when is_open_on_snapshot and setting = 'Community' and is_self_directed then 1 else 0 end)
            as community_self_directed_on_snapshot
    from service_years
    group by financial_year_start, year_start_date, snapshot_date, person_key, client_group

),

joined as (

    select
        people_years.*,
        attributes.cld_person_key,
        attributes.council_person_id,
        attributes.birth_date,
        attributes.gender,
        attributes.primary_support_reason,
        attributes.accommodation_status,
        attributes.client_funding_status,
        attributes.locality,
        attributes.team,
        accommodation_statuses.settled,
        case
            when attributes.birth_date is not null
                then
                    extract(year from people_years.last_support_date) - extract(year from attributes.birth_date)
                    - case
                        when
                            extract(month from people_years.last_support_date)
                            < extract(month from attributes.birth_date) then 1
                        else 0
                    end
        end as age
    from people_years
    left join attributes on people_years.person_key = attributes.person_key
    left join accommodation_statuses on attributes.accommodation_status = accommodation_statuses.accommodation_status

),

final as (

    select
        {{ dbt.concat([
            'person_key', "'|'", 'cast(financial_year_start as ' ~ dbt.type_string() ~ ')', "'|'", 'client_group'
        ]) }} as people_supported_key,
        cast(financial_year_start as integer) as financial_year_start,
        year_start_date as financial_year_start_date,
        snapshot_date,
        person_key,
        cld_person_key,
        council_person_id,
        client_group,
        gender,
        case when client_group = 'Service user' then primary_support_reason end as primary_support_reason,
        case
            when client_group != 'Service user' then null
            when primary_support_reason like 'Physical support%' then 'Physical support'
            when primary_support_reason like 'Sensory support%' then 'Sensory support'
            when primary_support_reason like 'Social support%' then 'Social support'
            when primary_support_reason is null then 'Unknown'
            else primary_support_reason
        end as primary_support_reason_group,
        case
            when client_group != 'Service user' then null
            when primary_support_reason like 'Physical support%' and age >= 65 then 'Physical support 65+'
            when primary_support_reason like 'Physical support%' and age >= 18 then 'Physical support 18-64'
            when primary_support_reason = 'Learning disability support' then 'Learning disability'
            when primary_support_reason = 'Mental health support' then 'Mental health'
            else 'Other'
        end as support_group,
        age,
        case
            when age is null then null
            when age < 18 then 'Under 18'
            when age <= 24 then '18-24'
            when age <= 44 then '25-44'
            when age <= 64 then '45-64'
            when age <= 74 then '65-74'
            when age <= 84 then '75-84'
            when age <= 94 then '85-94'
            else '95+'
        end as age_band,
        case
            when age is null or age < 18 then null
            when age <= 64 then '18-64'
            else '65+'
        end as working_age_band,
        locality,
        team,
        service_count,
        first_support_date,
        last_support_date,
        on_snapshot = 1 as is_supported_on_snapshot,
        community = 1 as had_community,
        residential = 1 as had_residential,
        nursing = 1 as had_nursing,
        direct_to_carer = 1 as is_direct_to_carer,
        direct_payment = 1 as received_direct_payment,
        self_directed = 1 as received_self_directed,
        client_group = 'Service user' and community_on_snapshot = 1 as is_community_on_snapshot,
        client_group = 'Service user' and community_direct_payment_on_snapshot = 1
            as is_community_direct_payment_on_snapshot,
        client_group = 'Service user' and community_self_directed_on_snapshot = 1
            as is_community_self_directed_on_snapshot,
        case when client_group = 'Service user' then accommodation_status end as accommodation_status,
        case when client_group = 'Service user' then coalesce(settled = 1, false) end as is_settled_accommodation,
        client_funding_status
    from joined

)

select * from final
