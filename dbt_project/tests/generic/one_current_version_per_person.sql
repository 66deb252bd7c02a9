{#- A type 2 dimension: every person has exactly one current version, and it is the one with no end. -#}
{% test one_current_version_per_person(model) %}
select person_key
from {{ model }}
group by person_key
having sum(case when is_current then 1 else 0 end) <> 1
    or sum(case when is_current and valid_to is not null then 1 else 0 end) > 0
{% endtest %}
