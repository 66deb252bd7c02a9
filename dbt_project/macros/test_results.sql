{#-
    Data quality as a product: every dbt test's outcome is stored in quality.test_results (on-run-end), with its
    severity, the marts it protects (tags protects:<mart>; untagged: the model it tests) and the rule it enforces
    (meta.rule; otherwise the generic test and its column, or a singular test's description), so the results can
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
    {%- set tested_at = dbt.current_timestamp() -%}
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
        {%- if node.attached_node is defined and node.attached_node -%}
            {%- set tested = [node.attached_node.split('.')[-1]] + tested -%}
        {%- endif -%}
        {%- set generic = node.test_metadata.name if node.test_metadata is defined and node.test_metadata else none -%}
        {%- if meta.get('rule') -%}
            {%- set rule = meta.get('rule') -%}
        {%- elif generic -%}
            {%- set rule = generic ~ (' of ' ~ node.column_name if node.column_name else '') -%}
        {%- else -%}
            {%- set rule = node.description or node.name -%}
        {%- endif -%}
        {%- do rows.append("('" ~ invocation_id ~ "', " ~ tested_at ~ ", '" ~ node.name ~ "', '"
            ~ (tested | first or '') ~ "', '" ~ result.status ~ "', " ~ (result.failures if result.failures is not none else 'null')
            ~ ", '" ~ node.config.severity | lower ~ "', '" ~ ((protects or tested[:1]) | join(',')) ~ "', '"
            ~ (rule | replace("'", "''")) ~ "', " ~ (result.execution_time | round(3)) ~ ")") -%}
    {%- endfor -%}
    {% if rows %}
    insert into quality.test_results
        (invocation_id, tested_at, test_name, tested_node, status, failures, severity, protects, rule, execution_seconds)
    values
        {{ rows | join(',\n        ') }};
    {% endif %}
    {% endif %}
{% endmacro %}
