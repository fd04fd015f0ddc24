"""Records a module's fixture writes once for all its tests, outside any test's transaction (test support)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command

from tests.conftest import install_reference_rows


@contextmanager
def flushed_after(django_db_blocker) -> Iterator[None]:
    """Database access for a module's fixture that writes outside any test's transaction, its records flushed at
    the end as a transactional test's are (the reference rows put back): its tests read only what it kept."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            install_reference_rows()
