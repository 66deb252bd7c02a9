{#-
    Junk dimension of the contact's coded attributes: one row per combination of channel, contact source and
    contact outcome from the code lists (contact_channel, contact_source, contact_outcome), each list extended by
    "not recorded" (null). Built from the code lists rather than from the facts, so it is complete before any
    contact arrives and its key (an md5 of the three values) is the same in every build and on every warehouse.
-#}
with channels as (

    select value as channel from {{ ref('contact_channel') }}
    union all
    select cast(null as {{ dbt.type_string() }}) as channel

),

sources as (

    select value as contact_source from {{ ref('contact_source') }}
    union all
    select cast(null as {{ dbt.type_string() }}) as contact_source

),

outcomes as (

    select
        value as contact_outcome,
        cast(nfa_signpost_iag as integer) = 1 as is_nfa_signpost_info
    from {{ ref('contact_outcome') }}
    union all
    select
        cast(null as {{ dbt.type_string() }}) as contact_outcome,
        cast(null as boolean) as is_nfa_signpost_info

),

combinations as (

    select
        channels.channel,
        sources.contact_source,
        outcomes.contact_outcome,
        outcomes.is_nfa_signpost_info
    from channels
    cross join sources
    cross join outcomes

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(channel, '(not recorded)')", "'|'",
            "coalesce(contact_source, '(not recorded)')", "'|'",
            "coalesce(contact_outcome, '(not recorded)')"
        ])) }} as contact_profile_key,
        channel,
        contact_source,
        contact_outcome,
        is_nfa_signpost_info,
        case
            when contact_outcome is null then 'Not recorded'
            when is_nfa_signpost_info then 'No further action, signposting or information'
            else 'Referred on'
        end as contact_outcome_group
    from combinations

)

select * from final
