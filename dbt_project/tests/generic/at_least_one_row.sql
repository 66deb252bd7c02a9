{% test at_least_one_row(model) %}
select 1 as empty_model
where not exists (select 1 from {{ model }})
{% endtest %}
