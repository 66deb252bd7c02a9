{{
    config(
        materialized='incremental',
        unique_key='snapshot_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_unmatched(ref('stg_health__waiting_list_entries'), {'delivery_id': 'delivery_id'}) }}"
        ]
    )
}}
{#-
    One row per referral per daily waiting-list snapshot (the trust's midnight list of everyone waiting, source-feeds
    2b): the snapshot date (the file's extract date), how many days the referral had waited by then, service, team,
    locality parsed from the team name, mental health area and priority.
    Incremental by snapshot date (delete+insert on snapshot_date): a nightly build rebuilds only the snapshot days
    with rows loaded after the table's latest loaded_at, plus any day whose rows came from a delivery no longer in
    force (a corrected re-send replaces the whole day). The post-hook removes days with no delivery left in force.
-#}

with entries as (

    select * from {{ ref('stg_health__waiting_list_entries') }}

),

localities as (

    select
        locality,
        mh_locality as mental_health_area
    from {{ ref('locality') }}

),

{% if is_incremental() %}
watermark as (

    select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) as max_loaded_at from {{ this }}

),

kept_deliveries as (

    select distinct
        snapshot_date,
        delivery_id
    from {{ this }}

),

touched_dates as (

    select distinct extract_date as snapshot_date from entries
    where loaded_at > (select watermark.max_loaded_at from watermark)
    union
    {#- the day's delivery was superseded by a corrected re-send: rebuild the day from what is in force #}
    select kept_deliveries.snapshot_date
    from kept_deliveries
    where not exists (
        select 1 from entries
        where entries.delivery_id = kept_deliveries.delivery_id
    )

),

scoped_entries as (

    select entries.*
    from entries
    inner join touched_dates on entries.extract_date = touched_dates.snapshot_date

),
{% else %}
scoped_entries as (

    select * from entries

),
{% endif %}

{# one row per referral per snapshot, should a day's file list a referral twice #}
ranked as (

    select
        scoped_entries.*,
        row_number() over (
            partition by referral_id, extract_date
            order by loaded_at desc, source_row desc
        ) as entry_rank
    from scoped_entries

),

final as (

    select
        {%- set snapshot_text = "cast(ranked.extract_date as " ~ dbt.type_string() ~ ")" %}
        {{ dbt.concat(["ranked.referral_id", "'|'", snapshot_text]) }} as waiting_list_entry_key,
        ranked.extract_date as snapshot_date,
        ranked.referral_id,
        ranked.service,
        ranked.trust_team as team,
        localities.locality,
        localities.mental_health_area,
        ranked.priority,
        ranked.waiting_since,
        {{ dbt.datediff('ranked.waiting_since', 'ranked.extract_date', 'day') }}
            as days_waiting,
        ranked.delivery_id,
        ranked.file_name,
        ranked.source_row,
        ranked.loaded_at
    from ranked
    left join localities
        on ranked.trust_team like {{ dbt.concat(["'% '", "localities.locality"]) }}
    where ranked.entry_rank = 1

)

select * from final
