"""Test support: the import's merge pauses SLOW_MERGE_SECONDS after writing patients, staff and referrals and
before contacts, inside its one transaction, so that a test can kill the worker mid-merge.

Imported by a test worker (`celery worker --include`)."""

import os
import time

from imports import merge

_contacts = merge._Merger._contacts


def _slow_contacts(self: merge._Merger) -> None:
    time.sleep(float(os.environ.get("SLOW_MERGE_SECONDS", "0")))
    _contacts(self)


merge._Merger._contacts = _slow_contacts  # type: ignore[method-assign]
