"""Aggregated figures kept in the cache under a stamp of the data they count.

A page that counts many rows (the re-grouping page, the managers' dashboard) keys its figures by who may see
them, what was asked and `stamp(...)`: the latest value of a few indexed columns (the last id of each table
the figures read, the last change of a row that is updated in place). Anything recorded since changes the
stamp, so the next request counts again; a page nothing has changed since is served from the cache.

`latest(...)` keeps one entry per question instead and never makes a reader wait for a recount once the
question has been counted (readers who ask a question never counted wait for the one reader counting it): a reader who finds figures counted under an older stamp gets them, marked stale,
and one recount is queued for a Celery worker (at most one at a time per question); the next reader gets the
new figures. Only the first reader of a question ever counts in the request.

The cache is Django's default cache: per process (LocMem) unless CACHE_URL names a Redis server shared by
every process (settings.py). A cache that cannot be reached costs speed, never the page.
"""

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Mapping
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
    stale: bool = False  # counted before the latest change; a recount is on its way


def _name(namespace: str, key: object) -> str:
    return f"{namespace}:{hashlib.sha256(repr(key).encode()).hexdigest()}"


def cached(namespace: str, key: object, compute: Callable[[], T], seconds: int) -> Cached[T]:
    """`compute()`'s value kept `seconds` under `key` (whose repr must name everything the value depends
    on: scope, question, names shown and a stamp of the data), with when it was computed."""
    name = _name(namespace, key)
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


K = TypeVar("K")


def cached_parts(
    namespace: str, keys: Mapping[K, object], compute: Callable[[list[K]], dict[K, T]], seconds: int
) -> dict[K, T]:
    """Figures that add up from parts (e.g. one per team): each part kept under its own key (as `cached`),
    the missing ones counted together by `compute(missing)`, which returns a value for each. Two scopes that
    share parts (a team's manager, the provider's service manager) then count each part once between them."""
    names = {part: _name(namespace, key) for part, key in keys.items()}
    try:
        found = cache.get_many(list(names.values()))
    except Exception:  # as in `cached`
        log.warning("The cache could not be read; computing %s", namespace, exc_info=True)
        found = {}
    values = {part: found[name] for part, name in names.items() if name in found}
    missing = [part for part in keys if part not in values]
    if missing:
        counted = compute(missing)
        try:
            cache.set_many({names[part]: counted[part] for part in missing}, seconds)
        except Exception:  # as above
            log.warning("The cache could not be written; %s not kept", namespace, exc_info=True)
        values.update(counted)
    return {part: values[part] for part in keys}


def kept_ids(namespace: str, key: object, ids: QuerySet, seconds: int) -> list[int]:
    """The ids `ids` yields, in its order, kept `seconds` under `key` (as `cached`; the key names a stamp of
    what decides the list): a list page then slices them rather than sorting every row again."""
    return cached(namespace, key, lambda: list(ids), seconds).value


# A queued recount that has not stored its figures within this many seconds (a lost worker) lets the next
# reader queue another.
RECOUNT_LOCK_SECONDS = 300
# Readers who ask a question another reader is counting for the first time wait this long for its figures
# rather than count them again each (then they count).
FIRST_COUNT_WAIT_SECONDS = 60


def _read(name: str) -> Any:
    try:
        return cache.get(name)
    except Exception:  # an unreachable cache server must not take the page down
        log.warning("The cache could not be read (%s)", name, exc_info=True)
        return None


def _counted_by_another(name: str) -> Any:
    """When another reader is counting the same question for the first time, what it keeps (waiting up to
    FIRST_COUNT_WAIT_SECONDS); None when this reader is the first, or the other gave up."""
    try:
        first = cache.add(f"{name}:counting", True, FIRST_COUNT_WAIT_SECONDS)
    except Exception:  # no cache: every reader counts
        return None
    if first:
        return None
    deadline = time.monotonic() + FIRST_COUNT_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.1)
        found = _read(name)
        if found is not None:
            return found
    return None


def _forget(name: str) -> None:
    try:
        cache.delete(name)
    except Exception:
        log.warning("The cache could not be written (%s)", name, exc_info=True)


def store(namespace: str, key: object, data_stamp: tuple, value: T, seconds: int) -> Cached[T]:
    """Keep `value`, counted under `data_stamp`, as the answer to `key`; let a next recount be queued."""
    name = _name(namespace, key)
    computed_at = timezone.now()
    try:
        cache.set(name, (data_stamp, value, computed_at), seconds)
        cache.delete_many([f"{name}:recounting", f"{name}:counting"])
    except Exception:  # as above
        log.warning("The cache could not be written; %s not kept", namespace, exc_info=True)
    return Cached(value, computed_at, from_cache=False)


def latest(
    namespace: str,
    key: object,
    data_stamp: tuple,
    *,
    compute: Callable[[], T],
    recount: Callable[[], None],
    seconds: int,
) -> Cached[T]:
    """The figures answering `key` (whose repr names the scope, the question and the names shown, not the
    data's stamp): counted now when never counted; else the kept ones, `stale` when counted under another
    `data_stamp`, in which case `recount()` is called to queue a recount that ends with `store(...)` (once
    per RECOUNT_LOCK_SECONDS at most). A recount run in-process (no broker) is read back at once."""
    name = _name(namespace, key)
    found = _read(name)
    if found is None:
        found = _counted_by_another(name)
    if found is None:
        try:
            value = compute()
        except BaseException:
            _forget(f"{name}:counting")  # the readers waiting for it count themselves
            raise
        return store(namespace, key, data_stamp, value, seconds)
    counted_under, value, computed_at = found
    if counted_under == data_stamp:
        return Cached(value, computed_at, from_cache=True)
    try:
        first = cache.add(f"{name}:recounting", True, RECOUNT_LOCK_SECONDS)
    except Exception:  # as above: no recount without a cache to keep it in
        log.warning("The cache could not be written; %s not recounted", namespace, exc_info=True)
        first = False
    if first:
        try:
            recount()
        except Exception:  # an unreachable queue leaves the kept figures showing; the next reader tries again
            log.warning("No recount of %s could be queued", namespace, exc_info=True)
            _forget(f"{name}:recounting")
        recounted = _read(name)
        if recounted is not None and recounted[0] == data_stamp:
            return Cached(recounted[1], recounted[2], from_cache=True)
    return Cached(value, computed_at, from_cache=True, stale=True)
