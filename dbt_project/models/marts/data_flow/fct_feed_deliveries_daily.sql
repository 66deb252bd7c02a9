{#-
    One row per feed and calendar day of the delivery period (the feed's first extract date to the latest extract
    date of any feed): whether a delivery was expected that day by the feed's cadence (source-feeds: council
    nightly, health and safeguarding daily, the Carers Hub monthly on the last day of the month), what arrived for
    that extract date (every file received, by status), whether every entity of the feed loaded, whether it arrived
    by its deadline (by the files' arrival times, deliveries.received_at: when the sender completed each file), the
    rows loaded and rejected, the batches quarantined, and the freshness of the feed's data (days since the latest
    extract date loaded on or before the day).
-#}

with deliveries as (

    select * from {{ source('ingest', 'deliveries') }}
    where extract_date is not null

),

delivery_entities as (

    select * from {{ source('ingest', 'delivery_entities') }}

),

quarantine as (

    select * from {{ source('ingest', 'quarantine') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

cadences as (

    {#- The cadences and entities of source-feeds.md; grace_days: days after the extract date it may arrive
        (to the end of that day): nightly and daily feeds the next day, the monthly return within ten days. #}
    select
        'council' as feed,
        'nightly' as cadence,
        4 as entities_expected,
        1 as grace_days
    union all
    select
        'health' as feed,
        'daily' as cadence,
        2 as entities_expected,
        1 as grace_days
    union all
    select
        'carers_hub' as feed,
        'monthly' as cadence,
        3 as entities_expected,
        10 as grace_days
    union all
    select
        'safeguarding' as feed,
        'daily' as cadence,
        2 as entities_expected,
        1 as grace_days

),

feed_periods as (

    select
        cadences.feed,
        cadences.cadence,
        cadences.entities_expected,
        cadences.grace_days,
        min(deliveries.extract_date) as first_extract_date,
        (select max(all_deliveries.extract_date) from deliveries as all_deliveries) as last_extract_date
    from cadences
    inner join deliveries on cadences.feed = deliveries.feed
    group by cadences.feed, cadences.cadence, cadences.entities_expected, cadences.grace_days

),

feed_days as (

    select
        feed_periods.feed,
        feed_periods.cadence,
        feed_periods.entities_expected,
        feed_periods.grace_days,
        calendar.date_day,
        calendar.month_start,
        case
            when feed_periods.cadence = 'monthly'
                then calendar.date_day = cast({{ dbt.last_day('calendar.date_day', 'month') }} as date)
            else true
        end as is_expected
    from feed_periods
    inner join calendar
        on calendar.date_day between feed_periods.first_extract_date and feed_periods.last_extract_date

),

daily_deliveries as (

    select
        feed,
        extract_date,
        count(*) as files,
        sum(case when status = 'loaded' then 1 else 0 end) as files_loaded,
        sum(case when status = 'ignored' then 1 else 0 end) as files_ignored,
        sum(case when status = 'quarantined' then 1 else 0 end) as files_quarantined,
        sum(case when status in ('superseded', 'replaced') then 1 else 0 end) as files_superseded,
        min(started_at) as first_received_at,
        min(case when status = 'loaded' then started_at end) as first_loaded_at,
        {#- a file that loaded, in force or superseded by a corrected re-send (a correction fixes the content,
            not the timeliness), arrived when the sender completed it; the ingestion clock where not recorded #}
        min(
            case when status in ('loaded', 'superseded') then coalesce(received_at, started_at) end
        ) as first_arrived_at,
        sum(case when status = 'loaded' then rows_read else 0 end) as rows_read,
        sum(case when status = 'loaded' then rows_loaded else 0 end) as rows_loaded,
        sum(case when status = 'loaded' then rows_rejected else 0 end) as rows_rejected,
        sum(case when status = 'loaded' then fields_flagged else 0 end) as fields_flagged
    from deliveries
    group by feed, extract_date

),

daily_entities as (

    select
        deliveries.feed,
        deliveries.extract_date,
        count(distinct delivery_entities.entity) as entities_loaded
    from deliveries
    inner join delivery_entities on deliveries.delivery_id = delivery_entities.delivery_id
    where deliveries.status = 'loaded'
    group by deliveries.feed, deliveries.extract_date

),

daily_quarantine as (

    select
        deliveries.feed,
        deliveries.extract_date,
        count(*) as quarantined_batches
    from quarantine
    inner join deliveries on quarantine.delivery_id = deliveries.delivery_id
    group by deliveries.feed, deliveries.extract_date

),

joined as (

    select
        feed_days.feed,
        feed_days.date_day,
        feed_days.month_start,
        feed_days.cadence,
        feed_days.is_expected,
        feed_days.entities_expected,
        feed_days.grace_days,
        coalesce(daily_deliveries.files, 0) as files,
        coalesce(daily_deliveries.files_loaded, 0) as files_loaded,
        coalesce(daily_deliveries.files_ignored, 0) as files_ignored,
        coalesce(daily_deliveries.files_quarantined, 0) as files_quarantined,
        coalesce(daily_deliveries.files_superseded, 0) as files_superseded,
        coalesce(daily_entities.entities_loaded, 0) as entities_loaded,
        coalesce(daily_quarantine.quarantined_batches, 0) as quarantined_batches,
        daily_deliveries.first_received_at,
        daily_deliveries.first_loaded_at,
        daily_deliveries.first_arrived_at,
        coalesce(daily_deliveries.rows_read, 0) as rows_read,
        coalesce(daily_deliveries.rows_loaded, 0) as rows_loaded,
        coalesce(daily_deliveries.rows_rejected, 0) as rows_rejected,
        coalesce(daily_deliveries.fields_flagged, 0) as fields_flagged,
        max(case when daily_entities.entities_loaded > 0 then feed_days.date_day end) over (
            partition by feed_days.feed
            order by feed_days.date_day
            rows between unbounded preceding and current row
        ) as last_loaded_extract_date
    from feed_days
    left join daily_deliveries
        on feed_days.feed = daily_deliveries.feed
        and feed_days.date_day = daily_deliveries.extract_date
    left join daily_entities
        on feed_days.feed = daily_entities.feed
        and feed_days.date_day = daily_entities.extract_date
    left join daily_quarantine
        on feed_days.feed = daily_quarantine.feed
        and feed_days.date_day = daily_quarantine.extract_date

),

final as (

    select
        {{ dbt.concat(['feed', "'|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')']) }} as feed_day_key,
        feed,
        date_day,
        month_start,
        cadence,
        is_expected,
        files > 0 as is_delivered,
        entities_loaded > 0 as is_loaded,
        entities_loaded >= entities_expected as is_complete,
        coalesce(
            entities_loaded >= entities_expected
            and first_arrived_at < cast({{ dbt.dateadd('day', 'grace_days + 1', 'date_day') }} as timestamp),
            false
        ) as is_on_time,
        files,
        files_loaded,
        files_ignored,
        files_quarantined,
        files_superseded,
        entities_expected,
        entities_loaded,
        quarantined_batches,
        first_received_at,
        first_loaded_at,
        first_arrived_at,
        grace_days,
        rows_read,
        rows_loaded,
        rows_rejected,
        case
            when rows_read > 0 then cast(rows_rejected as double precision) / rows_read
        end as rejected_share,
        fields_flagged,
        last_loaded_extract_date,
        {{ dbt.datediff('last_loaded_extract_date', 'date_day', 'day') }}
            as days_since_last_delivery
    from joined

)

select * from final
