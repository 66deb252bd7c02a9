# ascwh: two commands from a clean clone: `make demo` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export SCARF_ANALYTICS := false
export DO_NOT_TRACK := 1

.PHONY: install demo test lint bench expectations clean

$(UV):
	python3.11 -m venv $(TOOLS) || python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

install: .venv/.installed

demo: install  ## simulate a year of the four feeds at scale 1 and run the whole pipeline on them
	.venv/bin/ascwh demo

test: install  ## lint, then the test suite
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check ingestion dags tests

bench: install  ## simulate and ingest at scale 10; print time, rows/s and memory per stage
	.venv/bin/ascwh bench --scale 10

expectations: install  ## regenerate the Great Expectations suites from the contracts
	.venv/bin/ascwh expectations

clean:
	rm -rf .ascwh demo bench
