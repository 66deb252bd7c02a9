{#-
    The nine protected characteristics of the Equality Act 2010, each with where the warehouse holds it:
    - observation: the column of int_person_observations a source record states it in (null: no source records it);
    - status: the recording-status column of dim_person;
    - seed_name: the characteristic's name in the recording_status seed (its non-answer values).
    Age is recorded when a date of birth is. Pregnancy and maternity is recorded by none of the four systems.
-#}
{% macro equality_act_characteristics() -%}
    {{ return([
        {'name': 'age', 'observation': 'birth_date', 'status': 'age_status', 'seed_name': 'age'},
        {'name': 'disability', 'observation': 'disability', 'status': 'disability_status', 'seed_name': 'disability'},
        {'name': 'gender_reassignment', 'observation': 'gender_same_as_birth', 'status': 'gender_reassignment_status',
         'seed_name': 'gender_reassignment'},
        {'name': 'marriage_and_civil_partnership', 'observation': 'marital_status',
         'status': 'marriage_and_civil_partnership_status', 'seed_name': 'marriage_and_civil_partnership'},
        {'name': 'pregnancy_and_maternity', 'observation': none, 'status': 'pregnancy_and_maternity_status',
         'seed_name': 'pregnancy_and_maternity'},
        {'name': 'race', 'observation': 'ethnicity', 'status': 'ethnicity_status', 'seed_name': 'ethnicity'},
        {'name': 'religion_or_belief', 'observation': 'religion', 'status': 'religion_status', 'seed_name': 'religion'},
        {'name': 'sex', 'observation': 'sex', 'status': 'sex_status', 'seed_name': 'sex'},
        {'name': 'sexual_orientation', 'observation': 'sexual_orientation', 'status': 'sexual_orientation_status',
         'seed_name': 'sexual_orientation'},
    ]) }}
{%- endmacro %}

{#-
    Union-all body: one row per row of `relation` (a CTE of int_person_observations rows) and characteristic, with
    the recording status the row states (recording_status seed: its non-answers; any other value recorded; blank
    missing). `columns`: the relation's columns to carry.
-#}
{% macro observation_recording_statuses(relation, statuses, columns) -%}
    {%- for characteristic in equality_act_characteristics() %}
    select
        {%- for column in columns %}
        {{ relation }}.{{ column }},
        {%- endfor %}
        '{{ characteristic.name }}' as characteristic,
        {%- if characteristic.observation is none %}
        'missing' as recording_status
        {%- else %}
        case
            when {{ relation }}.{{ characteristic.observation }} is null then 'missing'
            when {{ statuses }}.recording_status is not null then {{ statuses }}.recording_status
            else 'recorded'
        end as recording_status
        {%- endif %}
    from {{ relation }}
    {%- if characteristic.observation is not none %}
    left join {{ statuses }}
        on {{ statuses }}.characteristic = '{{ characteristic.seed_name }}'
        and cast({{ relation }}.{{ characteristic.observation }} as {{ dbt.type_string() }}) = {{ statuses }}.value
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Union-all body: one row per row of `relation` (dim_person rows) and characteristic, with its recording status. -#}
{% macro person_recording_statuses(relation, columns) -%}
    {%- for characteristic in equality_act_characteristics() %}
    select
        {%- for column in columns %}
        {{ relation }}.{{ column }},
        {%- endfor %}
        '{{ characteristic.name }}' as characteristic,
        {{ relation }}.{{ characteristic.status }} as recording_status
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The recording status of a rank of recording_status_rank (the best of several records). -#}
{% macro recording_status_of_rank(rank) -%}
    case {{ rank }}
        when 1 then 'recorded'
        when 2 then 'not stated'
        when 3 then 'refused'
        when 4 then 'not known'
        when 5 then 'invalid'
        else 'missing'
    end
{%- endmacro %}
