"""Episodes for the lab from the database, scoped by Case.objects.visible_to(user).

An episode is a case closed in the period whose first Current View was completed near its start: on or
before the (London) date of its `window`-th attended contact, or at any time if it has fewer attended
contacts. Its appointments are all its attended contacts; its cost is theirs as the cost report costs them
(reports/cost_report.py: hours x the unit cost of the profession in force on the contact's date, refused
when one is missing); its allocation is its first allocation's grouping (NOT_ALLOCATED when none).
Aggregated in SQL, one row per episode; episodes in case order.
"""

import datetime as dt

import numpy as np
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from assessments.choices import Attendance
from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case, Contact, CurrentView
from camhs_pbr.lib.service_time import service_zone
from groupings.models import Allocation
from groupings.rules import NOT_KNOWN_CODE, RuleSet
from lab.episodes import suggested_groupings
from lab.limits import DEFAULT_WINDOW
from lab.methods import Episodes

# The cost report's costing expression and its refusal of uncosted contacts, so the lab costs contacts
# exactly as the report does.
from reports.cost_report import costed, refuse_uncosted

NOT_ALLOCATED = "(not allocated)"
ATTENDED = Q(attendance=Attendance.ATTENDED)


def closed_episodes(
    user: object, *, closed_from: dt.date, closed_to: dt.date, rules: RuleSet, window: int = DEFAULT_WINDOW
) -> Episodes:
    """The episodes of the cases `user` may see closed from `closed_from` to `closed_to` (module docstring)."""
    if window < 1:
        raise ValueError("the window must be at least 1 attended contact")
    attended = Contact.objects.filter(ATTENDED, case=OuterRef("pk")).order_by("starts_at", "pk")
    first_view = CurrentView.objects.filter(case=OuterRef("pk")).order_by("completed_on", "pk")
    cases = (
        Case.objects.visible_to(user)
        .filter(closed_date__range=(closed_from, closed_to))
        .annotate(
            view_pk=Subquery(first_view.values("pk")[:1]),
            view_on=Subquery(first_view.values("completed_on")[:1]),
            window_end=Subquery(
                attended.annotate(day=TruncDate("starts_at", tzinfo=service_zone())).values("day")[
                    window - 1 : window
                ]
            ),
            allocated=Subquery(
                Allocation.objects.filter(case=OuterRef("pk"))
                .order_by("start_date", "pk")
                .values("grouping__code")[:1]
            ),
        )
        .filter(Q(window_end__isnull=True) | Q(view_on__lte=F("window_end")), view_pk__isnull=False)
    )
    rows = list(cases.order_by("pk").values_list("pk", "view_pk", "allocated"))
    case_pks = [pk for pk, _, _ in rows]
    codes = _codes([view_pk for _, view_pk, _ in rows])
    contacts = Contact.objects.filter(case_id__in=case_pks)
    refuse_uncosted(contacts)
    totals = {
        case_id: (appointments, cost)
        for case_id, appointments, cost in costed(contacts)
        .values("case_id")
        .annotate(appointments=Count("pk", filter=ATTENDED), cost=Sum("contact_cost", filter=ATTENDED))
        .values_list("case_id", "appointments", "cost")
    }
    return Episodes(
        codes=codes,
        appointments=np.array([totals.get(pk, (0, None))[0] for pk in case_pks], dtype=float),
        cost=np.array([float(totals.get(pk, (0, None))[1] or 0) for pk in case_pks], dtype=float),
        suggested=suggested_groupings(codes, rules),
        allocated=np.array([code or NOT_ALLOCATED for _, _, code in rows], dtype=object),
    )


def _codes(view_pks: list[int]) -> np.ndarray:
    """rows x 50 int8 codes of these Current Views, in the order given; NULL (Not known) is NOT_KNOWN_CODE."""
    if not view_pks:
        return np.empty((0, len(ALL_ITEMS)), dtype=np.int8)
    found = {
        row[0]: row[1:] for row in CurrentView.objects.filter(pk__in=view_pks).values_list("pk", *ALL_ITEMS)
    }
    values = np.array([found[pk] for pk in view_pks], dtype=object)
    return np.where(values == None, NOT_KNOWN_CODE, values).astype(np.int8)  # noqa: E711 - elementwise
