{#-
    Data quality as a product: every dbt test's outcome is stored in quality.test_results (on-run-end), with its
    severity, the marts it protects (tags protects:<mart>) and the rule it enforces (meta.rule), so the results can
    be queried and summarised (marts/quality/dq_test_summary) rather than read from logs.
-#}
{% macro create_test_results_table() %}
    {% if execute %}
    create schema if not exists quality;
    create table if not exists quality.test_results (
        invocation_id {{ dbt.type_string() }},
        tested_at {{ dbt.type_timestamp() }},
        test_name {{ dbt.type_string() }},
        tested_node {{ dbt.type_string() }},
        status {{ dbt.type_string() }},
        failures integer,
        severity {{ dbt.type_string() }},
        protects {{ dbt.type_string() }},
        rule {{ dbt.type_string() }},
        execution_seconds {{ dbt.type_float() }}
    );
    {% endif %}
{% endmacro %}

{% macro store_test_results(results) %}
    {% if execute %}
    {%- set rows = [] -%}
    {%- for result in results if result.node.resource_type == 'test' -%}
        {%- set node = result.node -%}
        {%- set meta = node.config.meta or {} -%}
        {%- set protects = [] -%}
        {%- for tag in node.tags if tag.startswith('protects:') -%}
            {%- do protects.append(tag[9:]) -%}
        {%- endfor -%}
        {%- set tested = [] -%}
        {%- for dependency in node.depends_on.nodes if not dependency.startswith('macro.') -%}
            {%- do tested.append(dependency.split('.')[-1]) -%}
        {%- endfor -%}
        {%- do rows.append("('" ~ invocation_id ~ "', " ~ dbt.current_timestamp() ~ ", '" ~ node.name ~ "', '"
            ~ (tested | first or '') ~ "', '" ~ result.status ~ "', " ~ (result.failures if result.failures is not none else 'null')
            ~ ", '" ~ node.config.severity | lower ~ "', '" ~ (protects | join(',')) ~ "', '"
            ~ (meta.get('rule', '') | replace("'", "''")) ~ "', " ~ (result.execution_time | round(3)) ~ ")") -%}
    {%- endfor -%}
    {% if rows %}
    insert into quality.test_results
        (invocation_id, tested_at, test_name, tested_node, status, failures, severity, protects, rule, execution_seconds)
    values
        {{ rows | join(',\n        ') }};
    {% endif %}
    {% endif %}
{% endmacro %}
