# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# uv is bootstrapped with pip when missing; every dependency comes from uv.lock.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: install lake-install prepare browser demo refresh test ui bi bi-install lint format clean
DBT_MANIFEST := transforms/target/manifest.json
DBT_SOURCES := $(shell find transforms/models transforms/macros transforms/seeds transforms/tests \
	-type f 2>/dev/null) transforms/dbt_project.yml transforms/profiles.yml

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "uv>=0.5"
	@# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (CI images often
	@# do), every Python start (run workers, dbt, tests) would otherwise compile ~12k modules.
	@$(UV) sync --locked --quiet --compile-bytecode

# Lake mode's own environment (DuckDB 1.5.5 with the ducklake and postgres extension wheels),
# from the same lock: pyproject.toml says why it cannot share .venv.
LAKE_VENV := .venv-lake
lake-install: install
	@UV_PROJECT_ENVIRONMENT=$(LAKE_VENV) $(UV) sync --locked --quiet --compile-bytecode \
		--group warehouse-lake --no-group warehouse-file

# The dbt manifest the code location loads, parsed again when a model, macro or setting changed
# (`dagster dev` parses the project on every load by itself).
$(DBT_MANIFEST): $(DBT_SOURCES) | install
	$(UV) run dagster-dbt project prepare-and-package --file pipelines/defs/resources.py

prepare: install $(DBT_MANIFEST)

demo: prepare
	$(UV) run pmo demo

refresh: prepare
	$(UV) run pmo refresh

# The KPI report is checked in a real headless browser (Debian's chromium).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Two pytest workers (pytest-xdist); modules that share a session fixture (a pipeline run, a
# dbt build) run on one worker, so each is built once (tests/conftest.py). TEST_WORKERS=0: none.
test: prepare browser bi-install lake-install
	$(UV) run pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

ui: install
	@echo "Dagster UI: http://$(UI_HOST):$(UI_PORT) (warehouse: $${PMO_WAREHOUSE_PATH:-warehouse/pmo.duckdb}; Ctrl-C stops it)"
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster} $(UV) run dagster dev -w workspace.yaml -h $(UI_HOST) -p $(UI_PORT)

# Superset in its own environment (its pins clash with ours), from the committed lock.
BI_VENV := warehouse/bi/.venv
BI_PORT ?= 8088
$(BI_VENV)/.installed: warehouse/bi/requirements.lock
	$(UV) venv --quiet --allow-existing --python 3.11 $(BI_VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(BI_VENV)/bin/python warehouse/bi/requirements.lock
	@touch $@

bi-install: $(BI_VENV)/.installed

# Superset on the serving snapshot (after `make demo`): sets up the dashboard, serves until Ctrl-C.
bi: install bi-install
	$(BI_VENV)/bin/python warehouse/bi/serve.py --port $(BI_PORT) --snapshot \
		"$$($(UV) run python -c 'from warehouse.settings import warehouse_path; from warehouse.publishing.paths import serving_database_path; print(serving_database_path(warehouse_path()).absolute())')"

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

clean:
	rm -rf warehouse/*.duckdb* warehouse/.dlt_pipelines sandbox/generated transforms/target transforms/logs
