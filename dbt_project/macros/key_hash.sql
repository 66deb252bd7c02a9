{#-
    A whole number in [0, 1000000007) (negative too on PostgreSQL and Spark) determined by a text key: summed over a
    person's rows, with their count and load times, it fingerprints WHICH rows a person has, so that an incremental
    model sees a person whose rows were swapped for others loaded at the same time (the linkage moving two records of
    one monthly return between people) as changed.
-#}
{% macro key_hash(expression) %}
    {{- return(adapter.dispatch('key_hash', 'ascwh')(expression)) -}}
{% endmacro %}

{% macro default__key_hash(expression) %}cast(hash({{ expression }}) % 1000000007 as bigint){% endmacro %}

{% macro postgres__key_hash(expression) %}(hashtextextended({{ expression }}, 0) % 1000000007){% endmacro %}

{% macro spark__key_hash(expression) %}cast(xxhash64({{ expression }}) % 1000000007 as bigint){% endmacro %}
