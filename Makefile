# The two commands: `make run` and `make test`.  Everything else is set up on the way:
# a virtual environment in .venv, the pinned dependencies of requirements.lock, Linli itself (editable).
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.linli-installed
PIP      := $(BIN)/python -m pip --disable-pip-version-check --quiet
HOST     ?= 127.0.0.1
PORT     ?= 8000
RUN_ARGS ?=
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per CPU; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: run test test-fast lint messages bench bench-aggregates ci clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Linli needs Python 3.11 or newer; found: $$($(PYTHON) --version 2>&1)."; \
		echo "Install it, or name it: make PYTHON=python3.11 ..."; exit 1; }
	@if [ ! -x $(BIN)/python ]; then \
		echo "Creating the virtual environment in $(VENV) …"; \
		$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { \
			rm -rf $(VENV); \
			if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
				echo "Python's venv module is missing: installing python3-venv (Debian) …"; \
				DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
				DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && \
				$(PYTHON) -m venv $(VENV); \
			else \
				echo "Creating the virtual environment failed: on Debian/Ubuntu run 'apt-get install python3-venv'."; \
				false; \
			fi; } || exit 1; \
	fi
	@echo "Installing the pinned dependencies (requirements.lock) …"
	$(PIP) install --upgrade pip "setuptools>=77"
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Serve Linli at http://$(HOST):$(PORT)/ (web + background worker); the demo data load on first start.
run: $(STAMP)
	$(BIN)/linli run --host $(HOST) --port $(PORT) $(RUN_ARGS)

# The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).  Browser tests need chromium.
# PYTEST_ARGS narrows it, e.g. make test PYTEST_ARGS="linli/core -m 'not browser'".
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The suite without the browser and the slow tests (migrations, concurrency, whole demo loads).
test-fast: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser and not slow" $(PYTEST_ARGS)

# ruff, the layers of DESIGN.md (import contracts), no model change without its migration.
lint: $(STAMP)
	$(BIN)/ruff check linli bench
	$(BIN)/lint-imports --no-cache
	LINLI_HOME=$$(mktemp -d) $(BIN)/linli makemigrations --check --dry-run
	LINLI_HOME=$$(mktemp -d) $(BIN)/mypy

# Refresh the translation catalogues (needs GNU gettext), carry translations of moved strings across
# apps (.ci/po_carry.py names any string still untranslated), and compile them.
messages: $(STAMP)
	for app in linli/*/; do if [ -d $$app/locale ]; then (cd $$app && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --settings=linli.settings -i 'tests/*' >/dev/null); fi; done
	$(BIN)/python .ci/po_carry.py linli
	$(BIN)/linli compilemessages -l zh_Hans --ignore='.venv*' --ignore=var

# make bench: the demo; make bench SCALE=estate|street|district [DB=sqlite|postgres] [PGPORT=N]: reads at a
# generated scale (bench/scale.py). DB=postgres uses DATABASE_URL (an empty database) when it is set, else a
# throwaway cluster from /usr/lib/postgresql/*/bin on PGPORT (default: a free port), stopped at the end.
DB ?= sqlite
bench: $(STAMP)
	$(if $(SCALE),$(BIN)/python -m bench.scale --scale $(SCALE) --db $(DB) $(if $(PGPORT),--pg-port $(PGPORT)) $(if $(and $(filter postgres,$(DB)),$(DATABASE_URL)),--database-url "$(DATABASE_URL)"),$(BIN)/python -m bench)

# make bench-aggregates [SCALE=street] [DB=sqlite|postgres] [PGPORT=N]: the case KPIs per street and month
# against DuckDB over the same cases exported to Parquet (bench/aggregates.py; duckdb is a dev dependency).
bench-aggregates: $(STAMP)
	$(BIN)/python -m bench.aggregates --scale $(or $(SCALE),street) --db $(DB) $(if $(PGPORT),--pg-port $(PGPORT)) $(if $(and $(filter postgres,$(DB)),$(DATABASE_URL)),--database-url "$(DATABASE_URL)")

# What CI runs: the suite on SQLite and on a throwaway PostgreSQL (installs Debian packages as root).
ci:
	.ci/run

clean:
	rm -rf $(VENV) build *.egg-info
