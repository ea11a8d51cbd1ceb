# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# XStatic-Bootstrap's build needs a setuptools that still has pkg_resources.
export PIP_CONSTRAINT := $(CURDIR)/constraints-build.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv venv-dev messages check-deploy clean help

help:
	@echo "make run     - set up everything and serve http://$(HOST):$(PORT) (SQLite, demo data)"
	@echo "make test    - run the whole test suite"
	@echo "make lint    - ruff and the missing-migrations check"
	@echo "make messages - refresh and compile the translation files"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

$(VENV)/.runtime: requirements.txt constraints-build.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt constraints-build.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

run: export DEBUG ?= 1
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	@if [ ! -f var/.demo-seeded ]; then $(BIN)/python manage.py seed_demo && touch var/.demo-seeded; fi
	$(BIN)/python manage.py ensure_local_admin
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (English at /en/). Stop with Ctrl+C."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the .po files from the code and templates, then compile them.
# Needs GNU gettext (msgfmt, xgettext) on the developer's machine.
messages: $(VENV)/.dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l pl -l en --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
