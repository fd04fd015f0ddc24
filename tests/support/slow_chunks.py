"""Imported by a test worker (`celery worker --include`): each re-grouping chunk first pauses
SLOW_CHUNK_SECONDS inside its transaction, holding its database connection, so that a test can kill the
worker, its pool child or that connection in the middle of a chunk (test support)."""

import os
import time

from django.db import connection

from groupings import bulk

_regroup_cases = bulk.regroup_cases


def slow_regroup_cases(cases, rules_version, use_copy=None):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the chunk's transaction is open: 'idle in transaction' while it pauses
    time.sleep(float(os.environ.get("SLOW_CHUNK_SECONDS", "0")))
    return _regroup_cases(cases, rules_version, use_copy)


bulk.regroup_cases = slow_regroup_cases
