"""Test support: the import's merge pauses SLOW_MERGE_SECONDS after writing patients, staff and referrals and
before contacts, inside its one transaction, so that a test can kill the worker mid-merge (either path: the
set-based one of PostgreSQL, sql_merge.py, and the embedded one, merge.py).

Imported by a test worker (`celery worker --include`)."""

import os
import time

from imports import merge, sql_merge
from imports.files import CONTACTS


def _pause() -> None:
    time.sleep(float(os.environ.get("SLOW_MERGE_SECONDS", "0")))


_contacts = merge._Merger._contacts
_update = sql_merge._update


def _slow_contacts(self: merge._Merger) -> None:
    _pause()
    _contacts(self)


def _slow_update(cursor, spec, *args, **kwargs):
    if spec is CONTACTS:
        _pause()
    return _update(cursor, spec, *args, **kwargs)


merge._Merger._contacts = _slow_contacts  # type: ignore[method-assign]
sql_merge._update = _slow_update  # type: ignore[assignment]
