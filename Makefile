# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.8

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false

.PHONY: install run test test-bi lint lock snapshot snapshot-check clean serve bench browser report \
	docs catalog-sync superset-bundle

install: $(STAMP)

# Install exactly what requirements.lock pins (hashes checked), then the project itself.
# The DuckDB releases BI drivers bundle (docs/bi-connections.md names them): the tests open the
# published file with each, from $(VENV)/duckdb-<minor>.
DUCKDB_CLIENTS := 1.0 1.1 1.2 1.3 1.4 1.5

$(STAMP): requirements.lock $(DUCKDB_CLIENTS:%=compat/duckdb-%.lock) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@for v in $(DUCKDB_CLIENTS); do \
		$(BIN)/uv pip install --quiet --python $(BIN)/python --target $(VENV)/duckdb-$$v \
			--require-hashes -r compat/duckdb-$$v.lock || exit 1; \
	done
	@touch $(STAMP)

run: install
	$(BIN)/limwh refresh

test: install lint browser
	$(BIN)/python -m pytest

# Opt-in (not in `make test`): Apache Superset 6.1 in its own virtualenv, installed from
# compat/superset.lock (hashes checked) when missing or older than the lock, imports the
# dashboard bundle (tools/superset_bundle) on 127.0.0.1; the test compares each chart's data
# with the marts. LIMWH_BI_DATA_DIR=DIR reuses a published warehouse instead of a refresh.
SUPERSET_VENV ?= .venv-superset
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed

$(SUPERSET_STAMP): compat/superset.lock $(STAMP)
	@test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	@$(BIN)/uv pip sync --quiet --python $(SUPERSET_VENV)/bin/python --require-hashes \
		compat/superset.lock
	@touch $(SUPERSET_STAMP)

test-bi: install $(SUPERSET_STAMP)
	LIMWH_SUPERSET_VENV="$(abspath $(SUPERSET_VENV))" $(BIN)/python -m pytest -m bi tests/bi -rP

# The Superset dashboard for the published warehouse: $(SUPERSET_BUNDLE), to import in Superset
# (README, "Superset dashboard"). REGION and REPORT_LANG as for `make report`.
SUPERSET_BUNDLE ?= $(or $(LIMWH_DATA_DIR),data)/superset-dashboard.zip
superset-bundle: install
	$(BIN)/python -m tools.superset_bundle --db "$(or $(LIMWH_DATA_DIR),data)/warehouse.duckdb" \
		--out $(SUPERSET_BUNDLE) --region $(REGION) --lang $(REPORT_LANG)

# Headless Chromium for the report's browser test: Debian's package, installed when missing
# (apt-get as root, or through sudo). Playwright drives it; it never downloads a browser.
CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing Debian's chromium package (for the report's browser test)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium >/dev/null || { echo "could not install chromium"; exit 1; }; \
	fi

# The article's figures and tables for one province: make report REGION=BE21 REPORT_LANG=en
REGION ?= BE22
REPORT_LANG ?= nl
report: install
	$(BIN)/limwh report --region $(REGION) --lang $(REPORT_LANG)

lint: install
	$(BIN)/ruff check extract warehouse flows expectations tests bench tools
	$(BIN)/ruff format --check extract warehouse flows expectations tests bench tools
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m warehouse.build.catalog_sync --check
	cd dbt_project && ../$(BIN)/sqlfluff lint models tests macros

# The scheduled nightly refresh: a Prefect server on 127.0.0.1:$(PREFECT_PORT) plus the served
# deployment nightly_refresh/nightly (cron 04:30 Europe/Brussels), fetching live with the
# production config deploy/live.yaml (README, "Going live"). Ctrl-C stops both.
PREFECT_PORT ?= 4200
serve: install
	$(BIN)/python -m flows.deployment --start-server --port $(PREFECT_PORT)

# Benchmark (a script, not a test): cold, no-op and 10x/100x refreshes, peak memory, dbt against
# bare DuckDB. BENCH_SCALES=1,10 for a quicker run.
BENCH_SCALES ?= 1,10,100
bench: install
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES)

# dbt's documentation as one static page, $(DOCS_DATA_DIR)/docs/index.html (opens from disk, offline).
# The catalog comes from the published warehouse; without one, a refresh builds it first.
DOCS_DATA_DIR ?= $(or $(LIMWH_DATA_DIR),data)
docs: install
	@test -f "$(DOCS_DATA_DIR)/warehouse.duckdb" || $(BIN)/limwh refresh --data-dir "$(DOCS_DATA_DIR)"
	$(BIN)/python -m warehouse.read.docs_site --data-dir "$(DOCS_DATA_DIR)"

# Write what the dbt project takes from extract/catalog.yaml (docs blocks, the raw sources'
# meta and freshness, the indicators seed's attribution); `make lint` fails while it is stale.
catalog-sync: install
	$(BIN)/python -m warehouse.build.catalog_sync

# Re-pin every dependency after a change to pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

# Regenerate the embedded snapshot and its manifest (deterministic; tools/snapshot_generator/).
snapshot: install
	$(BIN)/python -m tools.snapshot_generator

# Fail unless the committed snapshot and manifest are exactly the generator's output.
snapshot-check: install
	$(BIN)/python -m tools.snapshot_generator --verify

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs
