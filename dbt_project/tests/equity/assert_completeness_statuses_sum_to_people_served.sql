{#-
    fct_protected_characteristic_completeness: for every source system, basis and month, each characteristic's
    recording statuses add up to the same number of people (everyone served is counted once per characteristic),
    and both bases count the same people.
-#}
{{ config(severity='error', tags=['protects:fct_protected_characteristic_completeness']) }}

with cells as (

    select
        source_system,
        basis,
        month_start,
        characteristic,
        sum(people) as people
    from {{ ref('fct_protected_characteristic_completeness') }}
    group by source_system, basis, month_start, characteristic

)

select
    source_system,
    month_start
from cells
group by source_system, month_start
having min(people) != max(people)
