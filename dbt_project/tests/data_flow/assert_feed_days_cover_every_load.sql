{#-
    fct_feed_deliveries_daily: every loaded delivery's rows are counted on its feed's day (the rows loaded per feed
    equal those of ingest.deliveries in force).
-#}
{{ config(severity='error', tags=['protects:fct_feed_deliveries_daily']) }}

with manifest as (

    select
        feed,
        sum(rows_loaded) as rows_loaded
    from {{ source('ingest', 'deliveries') }}
    where status = 'loaded' and extract_date is not null
    group by feed

),

mart as (

    select
        feed,
        sum(rows_loaded) as rows_loaded
    from {{ ref('fct_feed_deliveries_daily') }}
    group by feed

)

select manifest.feed
from manifest
left join mart on manifest.feed = mart.feed
where mart.rows_loaded is null or mart.rows_loaded != manifest.rows_loaded
