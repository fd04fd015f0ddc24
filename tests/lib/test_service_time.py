"""The service's time zone: one home, read from settings.TIME_ZONE."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import override_settings

from camhs_pbr.lib.service_time import day_start, service_day, service_zone


def test_a_day_starts_at_london_midnight_in_summer_and_winter():
    assert day_start(dt.date(2026, 7, 1)) == dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC)
    assert day_start(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


def test_a_contact_late_in_the_utc_evening_is_on_the_next_london_day_in_summer():
    assert service_day(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 7, 2)


def test_the_zone_is_the_settings_time_zone():
    with override_settings(TIME_ZONE="Europe/Dublin"):
        assert service_zone() == ZoneInfo("Europe/Dublin")
