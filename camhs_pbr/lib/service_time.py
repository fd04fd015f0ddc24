"""The service's time zone, settings.TIME_ZONE (Europe/London): contacts are dated, months cut and "today"
read by their day in it. The one home of the zone; code never names "Europe/London" itself."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def service_zone() -> ZoneInfo:
    """The service's time zone."""
    return ZoneInfo(settings.TIME_ZONE)


def service_today() -> dt.date:
    """Today's date in the service's time zone."""
    return timezone.localdate(timezone=service_zone())


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the service's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=service_zone())


def service_day(moment: dt.datetime) -> dt.date:
    """The service's calendar day of an aware `moment`."""
    return timezone.localtime(moment, service_zone()).date()
