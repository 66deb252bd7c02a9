# ascwh: two commands from a clean clone: `make demo` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export SCARF_ANALYTICS := false
export DO_NOT_TRACK := 1

.PHONY: install demo test lint dbt-parse bench expectations browser clean

$(UV):
	python3.11 -m venv $(TOOLS) || python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

install: .venv/.installed

demo: install  ## simulate a year of the four feeds at scale 1 and run the whole pipeline on them
	.venv/bin/ascwh demo

# dbt from dbt_project/: profiles there, a throwaway DuckDB file for the commands that open a connection
# (`mf` runs `dbt debug`; sqlfluff's dbt templater compiles), and sqlfluff's compile in its own target path.
DBT := cd dbt_project && DBT_PROFILES_DIR=. ASCWH_WAREHOUSE=target/ci.duckdb
SQLFLUFF := cd dbt_project && mkdir -p target/sqlfluff && DBT_PROFILES_DIR=. DBT_TARGET_PATH=target/sqlfluff \
	ASCWH_WAREHOUSE=target/sqlfluff/lint.duckdb ../.venv/bin/sqlfluff

test: install  ## lint (ruff, sqlfluff), parse the dbt project, validate the semantic layer, then the test suite
	.venv/bin/ruff check .
	$(SQLFLUFF) lint models
	$(MAKE) --no-print-directory dbt-parse
	.venv/bin/python -m pytest

lint: install  ## ruff and sqlfluff (dbt templater)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check ingestion dags tests
	$(SQLFLUFF) lint models

dbt-parse: install  ## dbt parse (target/manifest.json, for Cosmos and MetricFlow), then mf validate-configs
	$(DBT) ../.venv/bin/dbt parse
	$(DBT) ../.venv/bin/mf validate-configs --skip-dw

# headless Chromium and its WebDriver (Debian packages), for tests/test_report.py: it opens the dashboard and the
# board report in a browser and checks the screenshots. Installed only when missing (needs root).
browser:  ## install chromium and chromium-driver if missing (tests/test_report.py)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then echo "chromium and chromedriver present"; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi

bench: install  ## simulate and ingest at scale 10; print time, rows/s and memory per stage
	.venv/bin/ascwh bench --scale 10

expectations: install  ## regenerate the Great Expectations suites from the contracts
	.venv/bin/ascwh expectations

clean:
	rm -rf .ascwh demo bench
