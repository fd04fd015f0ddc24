"""What a row is checked against: the provider's team codes, the professions and ICBs by code, today's date in
the service's time zone, and the moment of a contact's date and time there."""

import datetime as dt

from accounts.models import Commissioner, Profession, Provider, Team
from camhs_pbr.lib.service_time import service_today
from imports import rows


def at_in(zone: dt.tzinfo):
    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone)

    return at


def reference(provider: Provider) -> rows.Reference:
    return rows.Reference(
        teams=dict(Team.objects.filter(provider=provider).values_list("code", "pk")),
        professions=dict(Profession.objects.values_list("code", "pk")),
        commissioners=dict(Commissioner.objects.values_list("code", "pk")),
        today=service_today(),
    )
