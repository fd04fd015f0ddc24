"""Aggregated figures kept in the cache under a stamp of the data they count.

A page that counts many rows (the re-grouping page, the managers' dashboard) keys its figures by who may see
them, what was asked and `stamp(...)`: the latest value of a few indexed columns (the last id of each table
the figures read, the last change of a row that is updated in place). Anything recorded since changes the
stamp, so the next request counts again; a page nothing has changed since is served from the cache.

The cache is Django's default cache: per process (LocMem) unless CACHE_URL names a Redis server shared by
every process (settings.py). A cache that cannot be reached costs speed, never the page.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

T = TypeVar("T")
log = logging.getLogger(__name__)

# (rows, column): the stamp reads the greatest value of `column` among `rows` (through its index).
Latest = tuple[QuerySet, str]


def stamp(*sources: Latest) -> tuple:
    """The greatest value of each source's column, all in one query (None for an empty table)."""
    parts: list[str] = []
    params: list[Any] = []
    for rows, column in sources:
        sql, column_params = rows.order_by(f"-{column}").values(column)[:1].query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(column_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return tuple(row)


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    computed_at: dt.datetime
    from_cache: bool


def cached(namespace: str, key: object, compute: Callable[[], T], seconds: int) -> Cached[T]:
    """`compute()`'s value kept `seconds` under `key` (whose repr must name everything the value depends
    on: scope, question, names shown and a stamp of the data), with when it was computed."""
    name = f"{namespace}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
    try:
        found = cache.get(name)
    except Exception:  # an unreachable cache server must not take the page down
        log.warning("The cache could not be read; computing %s", namespace, exc_info=True)
        found = None
    if found is not None:
        value, computed_at = found
        return Cached(value, computed_at, from_cache=True)
    value = compute()
    computed_at = timezone.now()
    try:
        cache.set(name, (value, computed_at), seconds)
    except Exception:  # as above
        log.warning("The cache could not be written; %s not kept", namespace, exc_info=True)
    return Cached(value, computed_at, from_cache=False)
