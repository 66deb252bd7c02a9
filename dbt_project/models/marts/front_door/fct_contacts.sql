{{
    config(
        materialized='incremental',
        unique_key='contact_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_unmatched(ref('stg_council__contacts'), {'contact_id': 'contact_id'}) }}"
        ]
    )
}}
{#-
    One row per front-door contact (contact_id): its latest delivered version (latest extract, then latest loaded,
    then latest source row), with the contact's person key, the front-door flag and the outcome's NFA / signposting /
    information flag.
    Incremental (delete+insert on contact_id): only contacts touched since the last build are recomputed from full
    history: rows loaded after the table's latest loaded_at, contacts whose kept version came from a delivery no
    longer in force (a corrected re-send superseded it), and contacts whose person key changed in the linkage.
    The post-hook removes contacts that no longer exist in any delivery in force (dropped by a corrected re-send).
-#}

with contacts as (

    select * from {{ ref('stg_council__contacts') }}

),

contact_outcomes as (

    select
        value as contact_outcome,
        cast(nfa_signpost_iag as integer) = 1 as is_nfa_signpost_info
    from {{ ref('contact_outcome') }}

),

person_keys as (

    select
        source_id,
        person_key
    from {{ ref('int_person_keys') }}
    where source_system = 'council_contact'

),

{% if is_incremental() %}
touched as (

    {{ new_or_superseded_keys('contacts', 'contact_id') }}
    union
    {#- the linkage moved the contact to another person #}
    select kept.contact_id
    from {{ this }} as kept
    left join person_keys on kept.contact_id = person_keys.source_id
    where kept.person_key is distinct from person_keys.person_key

),

scoped_contacts as (

    select contacts.*
    from contacts
    inner join touched on contacts.contact_id = touched.contact_id

),
{% else %}
scoped_contacts as (

    select * from contacts

),
{% endif %}

ranked as (

    select
        scoped_contacts.*,
        row_number() over (
            partition by contact_id
            order by extract_date desc, loaded_at desc, source_row desc
        ) as version_rank
    from scoped_contacts

),

latest as (

    select * from ranked
    where version_rank = 1

),

final as (

    select
        latest.contact_id,
        person_keys.person_key,
        latest.council_person_id,
        latest.received_at,
        cast(latest.received_at as date) as received_date,
        latest.channel,
        latest.contact_source,
        latest.team,
        coalesce(latest.team in ('Adults Helpdesk', 'Referral Centre'), false) as is_front_door,
        latest.locality,
        latest.contact_outcome,
        contact_outcomes.is_nfa_signpost_info,
        {{ dbt.hash(dbt.concat([
            "coalesce(latest.channel, '(not recorded)')", "'|'",
            "coalesce(latest.contact_source, '(not recorded)')", "'|'",
            "coalesce(latest.contact_outcome, '(not recorded)')"
        ])) }} as contact_profile_key,
        latest.gender as recorded_gender,
        latest.delivery_id,
        latest.file_name,
        latest.source_row,
        latest.extract_date,
        latest.loaded_at
    from latest
    left join contact_outcomes on latest.contact_outcome = contact_outcomes.contact_outcome
    left join person_keys on latest.contact_id = person_keys.source_id

)

select * from final
