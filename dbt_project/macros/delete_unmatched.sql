{#-
    Post-hook of an incremental model: delete the rows of this model that no row of `current` matches any more (an
    event deleted, a record moved to another person, a delivery superseded). `matches`: this model's column -> the
    column of `current` it must equal; `equals`: further columns of `current` and the literal each must hold.
-#}
{% macro delete_unmatched(current, matches, equals={}) %}
    delete from {{ this }} as stale
    where not exists (
        select 1 from {{ current }} as current_rows
        where
            {%- for column, current_column in matches.items() %}
            {% if not loop.first %}and {% endif %}current_rows.{{ current_column }} = stale.{{ column }}
            {%- endfor %}
            {%- for current_column, value in equals.items() %}
            and current_rows.{{ current_column }} = '{{ value }}'
            {%- endfor %}
    )
{% endmacro %}
