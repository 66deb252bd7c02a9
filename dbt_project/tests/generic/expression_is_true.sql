{#- Row-level expectation: fails on every row where the expression is false (null counts as passing, as in SQL
    check constraints). On a column, the expression follows the column: `expression: '>= 0'`. -#}
{% test expression_is_true(model, expression, column_name=None) %}
select *
from {{ model }}
where not ({% if column_name %}{{ column_name }} {% endif %}{{ expression }})
{% endtest %}
