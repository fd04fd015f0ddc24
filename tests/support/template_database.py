"""One migrated PostgreSQL database from which each pytest-xdist process's test database is copied (test support).

Without it each process migrates its own test database at start, three migrations at once on two cores; with it
the first process that needs a database migrates the template while the others wait, and each then copies it
(PostgreSQL's TEMPLATE: a file copy, about a second, after which Django's migrate finds nothing to do). A
session whose tests need no database (the benchmark smoke runs) makes none; the controller drops the template at
the end."""

import fcntl
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parents[2]


def _postgres(settings_dict: Any) -> bool:
    return settings_dict["ENGINE"].endswith("postgresql")


def _name(settings_dict: Any) -> str:
    """The template's name: the test database's (before pytest-xdist's suffix) with `_template`."""
    test_name = settings_dict.get("TEST", {}).get("NAME") or "test_" + settings_dict["NAME"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"{test_name.removesuffix('_' + worker) if worker else test_name}_template"


def _admin(settings_dict: Any, sql: str) -> None:
    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _migrate(settings_dict: Any, name: str) -> None:
    """Make the template afresh: migrated, with its data migrations' reference rows."""
    _admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(settings_dict, f'CREATE DATABASE "{name}"')
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    url = f"postgres://{user}{password}@{settings_dict.get('HOST') or ''}{port}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True
    )


def copy_from_template(config) -> None:
    """In a pytest-xdist process about to make its test database: made as a copy of the run's template, which
    the first process to get here migrates while the others wait."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run or not _postgres(settings_dict) or config.getoption("reuse_db", False):
        return  # no processes, or another database, or the test databases are kept from an earlier run
    name = _name(settings_dict)
    marks = Path(tempfile.gettempdir()) / f"camhs-test-template-{run}"
    with open(f"{marks}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not Path(f"{marks}.ready").exists():
            _migrate(settings_dict, name)
            Path(f"{marks}.ready").touch()
    settings_dict.setdefault("TEST", {})["TEMPLATE"] = name


def _controller(config) -> bool:
    return not hasattr(config, "workerinput") and bool(config.getoption("numprocesses", None))


def name_the_run(config) -> None:
    """The controller, before its processes start: the run's id they will share (pytest-xdist makes one up
    otherwise, which the controller could not read back to clear the run's marks)."""
    if _controller(config) and config.option.testrunuid is None:
        config.option.testrunuid = uuid.uuid4().hex


def drop(config) -> None:
    """The controller, at the end of a pytest-xdist run: the template goes, if a process made one."""
    from django.conf import settings

    settings_dict = settings.DATABASES["default"]
    if not _controller(config) or not _postgres(settings_dict):
        return
    _admin(settings_dict, f'DROP DATABASE IF EXISTS "{_name(settings_dict)}"')
    for mark in Path(tempfile.gettempdir()).glob(f"camhs-test-template-{config.option.testrunuid}.*"):
        mark.unlink(missing_ok=True)
