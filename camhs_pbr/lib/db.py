"""Database session settings shared by the set-based counts and the bulk writes."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_jit() -> Iterator[None]:
    """A transaction in which PostgreSQL does not JIT-compile queries (a no-op elsewhere).

    The planner rates the one-pass counts and correlated subqueries of the re-grouping, the re-grouping page and
    the dashboard as costly enough to compile, and compiling cost more than running them (0.4 s a re-grouping
    chunk; 4.5 s against 0.3 s for the data-quality panel at 5,000 cases). Nested uses are harmless: SET LOCAL
    lasts to the end of the outermost transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield
