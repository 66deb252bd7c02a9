{#- The latest outcome of every dbt test, with the mart it protects and the rule it enforces. -#}
{{ config(materialized='view') }}

with results as (

    select * from {{ source('quality', 'test_results') }}

),

ranked as (

    select
        *,
        row_number() over (partition by test_name order by tested_at desc, invocation_id desc) as recency
    from results

),

final as (

    select
        test_name,
        tested_node,
        status,
        failures,
        severity,
        protects,
        rule,
        tested_at,
        status in ('fail', 'error') and severity = 'error' as is_blocking
    from ranked
    where recency = 1

)

select * from final
