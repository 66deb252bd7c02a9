{#-
    Outcomes by group, with 95% confidence intervals and a test against everyone else: one row per measure,
    breakdown and group. Each measure is a set of observations (one per assessment, person or enquiry) with a value:
    0/1 for a proportion, a number for a mean. Groups: ethnic_group (the CLD high-level group of the person's best
    recorded ethnicity across the linked systems, dim_person current version), age_band and locality (as the fact
    holds them), sex (dim_person), rural_urban (dim_locality of the locality); an unrecorded group is 'Not recorded'.

    Statistics (z = 1.959964):
    - proportion: Wilson score interval; the group against everyone else by the pooled two-proportion z-test;
    - mean: mean +/- z * s / sqrt(n) (normal approximation); the group against everyone else by Welch's z
      (sqrt(s1^2/n1 + s2^2/n2));
    - is_testable: both the group and everyone else have at least 30 observations and, for a proportion, at least 5
      successes and 5 failures each; is_significant: testable and |z| > 1.959964 (two-sided 5%).
-#}

{%- set z = 1.959964 %}
{%- set min_n = 30 %}
{%- set min_events = 5 %}
{%- set breakdowns = ['ethnic_group', 'age_band', 'sex', 'locality', 'rural_urban'] %}

with assessments as (

    select * from {{ ref('fct_assessments') }}

),

people_supported as (

    select * from {{ ref('fct_people_supported') }}
    where client_group = 'Service user'

),

enquiries as (

    select * from {{ ref('fct_safeguarding_enquiries') }}
    where is_concluded

),

current_people as (

    select * from {{ ref('dim_person') }}
    where is_current

),

ethnic_groups as (

    select
        value as ethnicity,
        max("group") as ethnic_group
    from {{ ref('cld_ethnicity') }}
    group by value

),

localities as (

    select * from {{ ref('dim_locality') }}

),

latest_year as (

    select max(financial_year_start) as financial_year_start from people_supported

),

observations as (

    select
        'mean_days_waited_for_assessment' as measure,
        'mean' as statistic,
        person_key,
        age_band,
        locality,
        cast(days_waited as double precision) as outcome
    from assessments
    where days_waited is not null

    union all

    select
        'long_term_community_direct_payment_share' as measure,
        'proportion' as statistic,
        person_key,
        age_band,
        locality,
        cast(case when is_community_direct_payment_on_snapshot then 1 else 0 end as double precision) as outcome
    from people_supported
    where
        is_community_on_snapshot
        and financial_year_start = (select latest_year.financial_year_start from latest_year)

    union all

    select
        'long_term_residential_or_nursing_share' as measure,
        'proportion' as statistic,
        person_key,
        age_band,
        locality,
        cast(case when had_residential or had_nursing then 1 else 0 end as double precision) as outcome
    from people_supported
    where financial_year_start = (select latest_year.financial_year_start from latest_year)

    union all

    select
        'safeguarding_risk_removed_or_reduced_share' as measure,
        'proportion' as statistic,
        person_key,
        age_band,
        locality,
        cast(case when risk_outcome in ('Risk removed', 'Risk reduced') then 1 else 0 end as double precision)
            as outcome
    from enquiries
    where risk_outcome in ('Risk removed', 'Risk reduced', 'Risk remains')

    union all

    select
        'safeguarding_msp_outcomes_achieved_share' as measure,
        'proportion' as statistic,
        person_key,
        age_band,
        locality,
        cast(case when is_outcome_achieved then 1 else 0 end as double precision) as outcome
    from enquiries
    where outcomes_expressed and is_outcome_achieved is not null

),

described as (

    select
        observations.measure,
        observations.statistic,
        observations.outcome,
        coalesce(ethnic_groups.ethnic_group, 'Not recorded') as ethnic_group,
        coalesce(observations.age_band, 'Not recorded') as age_band,
        case when current_people.sex_status = 'recorded' then current_people.sex else 'Not recorded' end as sex,
        coalesce(observations.locality, 'Not recorded') as locality,
        coalesce(localities.rural_urban, 'Not recorded') as rural_urban
    from observations
    left join current_people on observations.person_key = current_people.person_key
    left join ethnic_groups
        on current_people.ethnicity = ethnic_groups.ethnicity
        and current_people.ethnicity_status = 'recorded'
    left join localities on observations.locality = localities.locality

),

grouped as (

    {%- for breakdown in breakdowns %}
    select
        measure,
        statistic,
        '{{ breakdown }}' as breakdown,
        {{ breakdown }} as group_value,
        count(*) as n,
        sum(outcome) as outcome_sum,
        sum(outcome * outcome) as outcome_sum_of_squares
    from described
    group by measure, statistic, {{ breakdown }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

totals as (

    select
        measure,
        count(*) as total_n,
        sum(outcome) as total_sum,
        sum(outcome * outcome) as total_sum_of_squares
    from described
    group by measure

),

compared as (

    select
        grouped.measure,
        grouped.statistic,
        grouped.breakdown,
        grouped.group_value,
        grouped.n,
        grouped.outcome_sum,
        grouped.outcome_sum / grouped.n as value,
        case
            when grouped.n > 1
                then
                    greatest(grouped.outcome_sum_of_squares - grouped.outcome_sum * grouped.outcome_sum / grouped.n, 0)
                    / (grouped.n - 1)
        end as group_variance,
        totals.total_n - grouped.n as comparison_n,
        totals.total_sum - grouped.outcome_sum as comparison_sum,
        case
            when totals.total_n - grouped.n > 0
                then (totals.total_sum - grouped.outcome_sum) / (totals.total_n - grouped.n)
        end as comparison_value,
        case
            when totals.total_n - grouped.n > 1
                then
                    greatest(
                        (totals.total_sum_of_squares - grouped.outcome_sum_of_squares)
                        - (totals.total_sum - grouped.outcome_sum) * (totals.total_sum - grouped.outcome_sum)
                        / (totals.total_n - grouped.n),
                        0
                    )
                    / (totals.total_n - grouped.n - 1)
        end as comparison_variance,
        totals.total_sum / totals.total_n as pooled_value
    from grouped
    inner join totals on grouped.measure = totals.measure

),

intervals as (

    select
        compared.*,
        case
            when statistic = 'proportion'
                then
                    (
                        value + {{ z }} * {{ z }} / (2 * n)
                        - {{ z }} * sqrt(value * (1 - value) / n + {{ z }} * {{ z }} / (4 * n * n))
                    )
                    / (1 + {{ z }} * {{ z }} / n)
            when group_variance is not null then value - {{ z }} * sqrt(group_variance / n)
        end as ci_low,
        case
            when statistic = 'proportion'
                then
                    (
                        value + {{ z }} * {{ z }} / (2 * n)
                        + {{ z }} * sqrt(value * (1 - value) / n + {{ z }} * {{ z }} / (4 * n * n))
                    )
                    / (1 + {{ z }} * {{ z }} / n)
            when group_variance is not null then value + {{ z }} * sqrt(group_variance / n)
        end as ci_high,
        case
            when comparison_n = 0 then null
            when statistic = 'proportion'
                then sqrt(pooled_value * (1 - pooled_value) * (1.0 / n + 1.0 / comparison_n))
            when group_variance is not null and comparison_variance is not null
                then sqrt(group_variance / n + comparison_variance / comparison_n)
        end as standard_error,
        n >= {{ min_n }} and comparison_n >= {{ min_n }}
        and (
            statistic = 'mean'
            or (
                outcome_sum >= {{ min_events }} and n - outcome_sum >= {{ min_events }}
                and comparison_sum >= {{ min_events }} and comparison_n - comparison_sum >= {{ min_events }}
            )
        ) as is_testable
    from compared

),

tested as (

    select
        intervals.*,
        case when standard_error > 0 then (value - comparison_value) / standard_error end as z_score
    from intervals

),

final as (

    select
        {{ dbt.concat(['measure', "'|'", 'breakdown', "'|'", 'group_value']) }} as equity_outcome_key,
        measure,
        statistic,
        breakdown,
        group_value,
        n,
        case when statistic = 'proportion' then outcome_sum end as numerator,
        value,
        ci_low,
        ci_high,
        comparison_n,
        comparison_value,
        value - comparison_value as difference,
        z_score,
        is_testable,
        coalesce(is_testable and abs(z_score) > {{ z }}, false) as is_significant
    from tested

)

select * from final
