with source as (

    select * from {{ source('council', 'events') }}

),

renamed as (

    select
        la_code,
        la_person_unique_identifier as council_person_id,
        nhs_number,
        first_name,
        last_name,
        date_of_birth as birth_date,
        date_of_death as death_date,
        gender,
        ethnicity,
        postcode,
        client_type,
        primary_support_reason,
        accommodation_status,
        has_unpaid_carer,
        client_funding_status,
        event_type,
        event_reference,
        event_start_date,
        event_end_date,
        event_outcome,
        request_route_of_access as route_of_access,
        assessment_type,
        eligible_needs_identified,
        service_type,
        service_component,
        delivery_mechanism,
        provider_cqc_location_id,
        unit_cost,
        cost_frequency,
        planned_units_per_week,
        review_reason,
        review_outcomes_achieved,
        linked_person_id as linked_council_person_id,
        team,
        locality,
        religion,
        sexual_orientation,
        marital_status,
        gender_same_as_birth,
        disability,
        _batch_id as delivery_id,
        _extract_date as extract_date,
        _file_name as file_name,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source

)

select * from renamed
