{#-
    A post-hook for the large tables that later models of the same run join: on PostgreSQL, `analyze` the table
    just built, so that the planner of the next model works from the table's real size and distributions rather
    than from the estimates of a table created moments ago, before autovacuum has analysed it. DuckDB and Spark
    need nothing here.
-#}
{% macro refresh_statistics() %}
    {{- return(adapter.dispatch('refresh_statistics', 'ascwh')()) -}}
{% endmacro %}

{% macro default__refresh_statistics() %}{% endmacro %}

{% macro postgres__refresh_statistics() %}analyze {{ this }}{% endmacro %}
