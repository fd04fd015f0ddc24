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

.PHONY: install run test lint deploy-check services bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_demo --cases $(DEMO_CASES) --seed 1 --if-empty
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

test: install services lint deploy-check
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(PY) -m pytest

bench: install services
	SECRET_KEY=bench-only-key-never-deployed $(PY) -m bench.grouping

# The API's OpenAPI schema, generated from the code into docs/openapi.yaml (tests/api/test_schema.py fails
# until it is regenerated after a change of the API).
schema: install
	DEBUG=1 $(PY) manage.py spectacular --file docs/openapi.yaml --validate
