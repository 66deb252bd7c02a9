{#-
    The person attributes dim_person carries, in the order of the Equality Act 2010's protected characteristics
    where one applies. Each is chosen across linked records by the survivorship rules in dim_person.
-#}
{% macro person_attributes() -%}
    {{ return(['birth_date', 'death_date', 'sex', 'ethnicity', 'religion', 'sexual_orientation',
               'marriage_and_civil_partnership', 'gender_reassignment', 'disability', 'locality']) }}
{%- endmacro %}

{#- Survivorship: a recorded answer beats a non-answer; then the council beats the trust beats the Carers Hub. -#}
{% macro recording_status_rank(status) -%}
    case {{ status }}
        when 'recorded' then 1
        when 'not stated' then 2
        when 'refused' then 3
        when 'not known' then 4
        when 'invalid' then 5
        else 6
    end
{%- endmacro %}

{% macro source_system_rank(source_system) -%}
    case {{ source_system }} when 'council' then 1 when 'health' then 2 when 'carers_hub' then 3 else 9 end
{%- endmacro %}
