"""A throw-away PostgreSQL database for a benchmark: created, migrated, and dropped afterwards."""

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _admin(sql: str) -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


@contextlib.contextmanager
def fresh_database(name: str, keep: bool = False) -> Iterator[str]:
    """Yield the DATABASE_URL of a new, migrated database `name`."""
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    try:
        yield url
    finally:
        if not keep:
            _admin(f'DROP DATABASE IF EXISTS "{name}"')
