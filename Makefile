# The two commands of the README: `make run` (demo app) and `make test` (whole suite on real services).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_CASES ?= 2000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/camhs_pbr
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# Production-like settings for `check --deploy`; the key is used for nothing but the check.
DEPLOY_ENV := DEBUG=0 SECRET_KEY=deploy-check-only-3f9c1a7e5b2d4c6e8a0b1d3f5e7c9a2b4d6f8e0a1c3e5 \
	ALLOWED_HOSTS=camhs.example.nhs.uk SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 BEHIND_TLS_PROXY=1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Every Python process make starts reads and writes bytecode caches (__pycache__), whatever the shell says: with
# PYTHONDONTWRITEBYTECODE=1 (set on these machines) each process compiled every module it imported from source,
# about 3 s of CPU for each `manage.py` run, Celery worker and test process (bench/startup.py measures it).
unexport PYTHONDONTWRITEBYTECODE
# mypy's cache outside the checkout, shared by every clone on the machine (a fresh clone checks in seconds, not
# a minute; mypy re-checks whatever changed by its hash).
export MYPY_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/camhs-pbr/mypy

# The locks pin every package, direct or not, with the hashes of PyPI's files; `make lock` regenerates them
# from requirements.txt and requirements-dev.txt (existing pins are kept unless LOCK_ARGS=--upgrade).
LOCK := $(VENV)/bin/uv pip compile --quiet --no-config --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: install run test lint deploy-check services bench lock audit

# uv installs the lock (about 10 s here; pip took about 2 minutes), pip only uv itself: scripts/install-locked.sh.
$(VENV)/.installed: requirements-dev.lock
	bash scripts/install-locked.sh $(VENV) requirements-dev.lock
	touch $@

install: $(VENV)/.installed

lock: install
	$(LOCK) requirements.txt -o requirements.lock
	$(LOCK) requirements-dev.txt --constraint requirements.lock -o requirements-dev.lock

# Needs the vulnerability service on the network, so it is not part of `make test`; --strict fails on any
# package it could not check rather than passing it silently.
audit: install
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off -r requirements.lock
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off -r requirements-dev.lock

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_demo --cases $(DEMO_CASES) --seed 1 --if-empty --packs
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	@echo "API reference: http://127.0.0.1:8000/api/ (schema: docs/openapi.yaml; keys: admin, API keys)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

services:
	bash scripts/ensure-services.sh

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

deploy-check: install
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# The suite in TEST_JOBS pytest-xdist processes, each with its own test database (test_camhs_pbr_gwN, a copy of a
# template the first process to need one migrates: tests/support/template_database.py), Celery
# worker and cache (tests/support/workers.py); a file's tests stay in one process. Then the benchmark smoke
# runs, under 10 s each, in TEST_JOBS processes too (only that each script still runs: no figure is checked);
# the longer ones (servers, workers, locust, a fresh database to fill) are `make bench`'s. Three processes on two cores: much of a test's
# time is spent waiting on a Celery worker, a browser or a pause, which a third process fills (on this 2-core
# machine the tests took 7 min 41 s in three processes, 8 min 59 s in two).
TEST_JOBS ?= 3
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL)

# mypy runs beside the tests (its log printed after them; either failing fails `make test`): with an empty cache
# (a fresh machine) it takes about 20 s of CPU, which the tests' first seconds, spent waiting on the template
# database, leave free.
MYPY_LOG := var/mypy.log
test: install services deploy-check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	@mkdir -p var
	$(PY) -m mypy > $(MYPY_LOG) 2>&1 & typing=$$!; \
	$(TEST_ENV) $(PY) -m pytest -m "not bench and not bench_long" -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder --durations=15; \
	tests=$$?; wait $$typing; typed=$$?; echo "mypy:"; cat $(MYPY_LOG); [ $$tests -eq 0 ] && [ $$typed -eq 0 ]
	$(TEST_ENV) $(PY) -m pytest -m bench -n $(TEST_JOBS) --dist load tests/test_benchmarks.py

bench: install services
	$(TEST_ENV) $(PY) -m pytest -m bench_long -p no:xdist -s
	SECRET_KEY=bench-only-key-never-deployed $(PY) -m bench.grouping

# The API's OpenAPI schema, generated from the code into docs/openapi.yaml (tests/api/test_schema.py fails
# until it is regenerated after a change of the API).
schema: install
	DEBUG=1 $(PY) manage.py spectacular --file docs/openapi.yaml --validate
