# The two commands: `make demo` and `make test`. Both start with `make setup`, which is idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_ENV := DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/db.sqlite3
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/eepa)

.PHONY: setup system-deps venv messages migrate demo seed test lint pytest smoke services bench clean

setup: system-deps $(BIN)/.installed messages migrate

system-deps:
	@bash scripts/install-system-deps.sh

# Reinstall only when the dependency list changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

messages: $(BIN)/.installed
	@mkdir -p var
	$(DEMO_ENV) $(MANAGE) compilemessages --ignore=.venv --verbosity 0

migrate: $(BIN)/.installed
	@mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --noinput --verbosity 0

seed: setup
	$(DEMO_ENV) $(MANAGE) seed_demo

demo: seed
	@$(DEMO_ENV) $(MANAGE) demo_logins
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

services:
	@DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/check-services.sh

# One worker process per CPU (pytest-xdist); each test module runs whole on one worker, so that
# its module fixtures (the seeded demo's copy) are set up once. PYTEST_WORKERS=0: in one process.
PYTEST_WORKERS ?= auto
pytest: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

smoke: setup
	DATABASE_URL=sqlite:///$(CURDIR)/var/smoke.sqlite3 $(BIN)/pytest -m smoke -p no:randomly -q

test: setup lint pytest smoke

# Issue 12's benchmark (bench/, docs/performance.md): builds or reuses its datasets in PostgreSQL
# (eepa_bench_large, eepa_bench_small, eepa_bench_io), then measures the pages, scoring, exports
# and imports. BENCH_REBUILD=1 builds the datasets again; BENCH_ARGS passes options
# (`.venv/bin/python -m bench --help`). Results in var/bench/.
bench: setup
	$(BIN)/python -m bench $(if $(BENCH_REBUILD),--rebuild) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media
