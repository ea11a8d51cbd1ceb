# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# XStatic-Bootstrap's build needs a setuptools that still has pkg_resources.
# pip 26.2+ reads build constraints from PIP_BUILD_CONSTRAINT only; older pips from
# PIP_CONSTRAINT. pip itself is pinned so that a new release cannot change this.
PIP_VERSION := 26.3
export PIP_CONSTRAINT := $(CURDIR)/constraints-build.txt
export PIP_BUILD_CONSTRAINT := $(CURDIR)/constraints-build.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
HOST ?= 127.0.0.1
PORT ?= 8000
# The Nu HTML Checker, from the npm registry (needs Java to run).
VNU_VERSION := 26.9.27
VNU_JAR := var/tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test test-fast lint venv venv-dev messages clean help bench html-checker

help:
	@echo "make run     - set up everything and serve http://$(HOST):$(PORT) (SQLite, demo data)"
	@echo "make test    - run the whole test suite (on every core, at most $(TEST_WORKERS_MAX))"
	@echo "make test-fast - the same without the browser tests, for development"
	@echo "make lint    - ruff, bandit, import contracts, types and the missing-migrations check"
	@echo "make bench   - load benchmark on PostgreSQL with gunicorn and wrk (bench/results.md)"
	@echo "make messages - refresh and compile the translation files"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "pip==$(PIP_VERSION)"

$(VENV)/.runtime: requirements.txt constraints-build.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt constraints-build.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	@if [ ! -f var/.demo-seeded ]; then $(BIN)/python manage.py seed_demo && touch var/.demo-seeded; fi
	$(BIN)/python manage.py ensure_local_admin
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (English at /en/). Stop with Ctrl+C."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist: TEST_WORKERS workers, "auto" = one per
# core, at most TEST_WORKERS_MAX); each worker has its own test database, live server
# and browser. `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
TEST_WORKERS_MAX ?= 4
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses=$(TEST_WORKERS_MAX)

# Browser tests need Chromium and the HTML check needs npm and Java; without them
# those tests are skipped and pytest's summary says why.
test: $(VENV)/.dev html-checker
	$(PYTEST)

# The fast lane for development: everything but the browser tests.
test-fast: $(VENV)/.dev html-checker
	$(PYTEST) -m "not browser"

html-checker:
	@if [ -f $(VNU_JAR) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		echo "Installing the Nu HTML Checker (vnu-jar $(VNU_VERSION)) into var/tools"; \
		npm install --silent --no-audit --no-fund --prefix var/tools vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the HTML validity check will be skipped."; fi

# Type-checked with mypy and django-stubs: every services module (a new app's too,
# through the globs) and the rules and history helpers the services call. Its own
# cache: mypy 1.19 replays a module's errors from a cache written by a run that
# checked it, even where this run only follows it silently (python/mypy#20508).
TYPED_MODULES = $(filter-out tests/%,$(wildcard */services.py */*_services.py */services/*.py)) \
	rooms/rules.py cwop_portal/history.py cwop_portal/reservations.py cwop_portal/yearly_figures.py \
	cwop_portal/venues.py rooms/venues.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy --cache-dir .mypy_cache/lint $(TYPED_MODULES)
	$(BIN)/bandit --quiet --recursive --severity-level medium cwop_portal organizations rooms consultations library cooperation awards bench
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

# Refresh the .po files from the code and templates, then compile them.
# Needs GNU gettext (msgfmt, xgettext) on the developer's machine.
messages: $(VENV)/.dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l pl -l en --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles --ignore=bench --ignore=tests
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# Load benchmark (not part of `make test`): a throw-away PostgreSQL database, gunicorn
# with production settings, wrk at 1/8/32 clients; prints and writes bench/results.md.
# Tunable with BENCH_* environment variables (see bench/run.py).
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
