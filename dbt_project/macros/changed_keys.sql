{#-
    The keys an incremental model must recompute because of new deliveries: the `key`s of `rows` loaded after the
    newest row already in the model (every key when the model is empty), and the keys whose stored version came from
    a delivery no longer in force in `rows` (superseded by a corrected re-send). `rows` needs `key`, `delivery_id`
    and `loaded_at`; the model needs `key` and `delivery_id`. A model adds its own reasons with `union` (the linkage
    moved a record to another person, a dimension it copies changed).
-#}
{% macro new_or_superseded_keys(rows, key) %}
    select {{ key }} from {{ rows }}
    where loaded_at > (
        select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ this }}
    )
    union
    select kept.{{ key }}
    from {{ this }} as kept
    where not exists (
        select 1 from {{ rows }} as in_force
        where in_force.delivery_id = kept.delivery_id and in_force.{{ key }} = kept.{{ key }}
    )
{%- endmacro %}
