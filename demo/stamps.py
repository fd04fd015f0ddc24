"""When demo records say they were written: the time each stands for, never the moment of seeding.

Rule: a record is stamped on the day it describes (a referral on its referral date, a Current View on the
day it was completed, its suggestion with it, the allocation a few minutes later on its start date, a
contact's note after the contact ended, a measure on the day it was completed), at a working-day time in
Europe/London, never after the as-of date, nor after the moment of seeding when the as-of date is today.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from camhs_pbr.lib.service_time import day_start, service_zone

FIRST_HOUR, LAST_HOUR = 9, 16  # working-day times: 09:00 to 16:59


@dataclass(frozen=True)
class Stamps:
    """Stamps of a demo seeded as of a date: none later than the end of that day, nor than now when the
    as-of date is today (the default)."""

    latest: dt.datetime

    @classmethod
    def until(cls, as_of: dt.date) -> "Stamps":
        end_of_day = day_start(as_of + dt.timedelta(days=1))
        end_of_day -= dt.timedelta(microseconds=1)
        return cls(min(timezone.now(), end_of_day) if as_of <= timezone.localdate() else end_of_day)

    def working_time(self, day: dt.date, index: int) -> dt.datetime:
        """A working-day time of `day` spread by `index` (no random draw, so the demo's random data stay
        as they were)."""
        hour = FIRST_HOUR + index % (LAST_HOUR - FIRST_HOUR + 1)
        minute = (index * 7) % 60
        return self.capped(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=service_zone()))

    def capped(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.latest)


@contextmanager
def stamped_as_given(*fields: tuple[type[models.Model], str]) -> Iterator[None]:
    """Within the block, these auto_now/auto_now_add fields keep the values set on the objects a
    bulk_create writes. Django would stamp the seeding time over them; an UPDATE afterwards would cost a
    second pass over hundreds of thousands of rows. Only seed_demo (one command, one thread) uses it."""
    switched = [model._meta.get_field(name) for model, name in fields]
    saved = [(field, field.auto_now, field.auto_now_add) for field in switched]  # type: ignore[union-attr]
    try:
        for field in switched:
            field.auto_now = field.auto_now_add = False  # type: ignore[union-attr]
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add  # type: ignore[union-attr]
