# The two commands of the README: `make run` (demo app) and `make test` (whole suite on real services).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_CASES ?= 2000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/camhs_pbr
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint services bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_demo --cases $(DEMO_CASES) --seed 1 --if-empty
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

services:
	bash scripts/ensure-services.sh

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: install services lint
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(PY) -m pytest

bench: install services
	SECRET_KEY=bench-only-key-never-deployed $(PY) -m bench.grouping
