"""One migrated PostgreSQL database from which each pytest-xdist process's test database is copied (test support).

Without it each process migrates its own test database at start, three migrations at once on two cores; with it
the controller migrates one before the processes start (PostgreSQL's TEMPLATE: a file copy, about a second each,
after which Django's migrate finds nothing to do). The test settings read the template's name from the
environment the processes inherit (tests/settings.py)."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = "TEST_DATABASE_TEMPLATE"


def _wanted(config) -> Any:
    """The database settings, when this is pytest-xdist's controller of new PostgreSQL test databases."""
    from django.conf import settings

    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return None  # a pytest-xdist process, or no processes: the database is made where it is used
    if config.getoption("reuse_db", False):
        return None  # the processes' databases are kept from an earlier run
    database = settings.DATABASES["default"]
    return database if database["ENGINE"].endswith("postgresql") else None


def _name(database: Any) -> str:
    return f"{database.get('TEST', {}).get('NAME') or 'test_' + database['NAME']}_template"


def _admin(database: Any, sql: str) -> None:
    connection = psycopg2.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def create(config) -> None:
    """Migrate the template (its data migrations' reference rows too) and name it to the processes to come."""
    database = _wanted(config)
    if database is None:
        return
    name = _name(database)
    _admin(database, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(database, f'CREATE DATABASE "{name}"')
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    url = f"postgres://{user}{password}@{database.get('HOST') or ''}{port}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True
    )
    os.environ[VARIABLE] = name


def drop(config) -> None:
    database = _wanted(config)
    if database is not None and os.environ.pop(VARIABLE, ""):
        _admin(database, f'DROP DATABASE IF EXISTS "{_name(database)}"')
