"""A small hand-counted contract for 2026/27 (test support for the payment tests).

Commissioner QPP pays provider RPP. Months of care (open at the month's end or closed in it):
- c1 accepted 10/03/2026, open, GH03 from 10/03/2026: one month of care in GH03 in April, May and June.
- c2 accepted 01/04/2026, closed 15/05/2026; GA01 until 01/05/2026, then GH04: April GA01; May (closed in
  May: the grouping the day before closure, 14/05) GH04; June nothing.
- c3 accepted 20/05/2026, open, never grouped: May and June UNGROUPED.
- c4 referred 01/04/2026, never accepted: nothing.
- c5 another commissioner's case at RPP in GH03: nothing.
- c6 accepted 01/01/2026, closed 31/03/2026 (before the year): nothing in the year.
Year to date June: GH03 3, GA01 1, GH04 1, UNGROUPED 2.
"""

import datetime as dt
from decimal import Decimal

from accounts.models import Role
from payments.models import Contract, PlanLine, PriceList, PriceListLine
from tests import factories
from tests.reports.helpers import allocate

D = dt.date


def small_contract(**terms) -> dict:
    commissioner = factories.commissioner(code="QPP")
    other = factories.commissioner(code="QOO")
    provider = factories.provider(code="RPP")
    team = factories.team(provider)
    clinician = factories.user(Role.CLINICIAN, teams=(team,))

    def case(accepted, closed=None, commissioner=commissioner):
        return factories.case(
            team,
            referral_date=D(2026, 1, 1) if accepted is None else min(accepted, D(2026, 4, 1)),
            accepted_date=accepted,
            closed_date=closed,
            discharge_reason="completed" if closed else "",
            commissioner=commissioner,
        )

    c1 = case(D(2026, 3, 10))
    allocate(c1, "GH03", D(2026, 3, 10), None, clinician)
    c2 = case(D(2026, 4, 1), D(2026, 5, 15))
    allocate(c2, "GA01", D(2026, 4, 1), D(2026, 5, 1), clinician)
    allocate(c2, "GH04", D(2026, 5, 1), D(2026, 5, 15), clinician)
    c3 = case(D(2026, 5, 20))
    case(None)
    c5 = case(D(2026, 4, 2), commissioner=other)
    allocate(c5, "GH03", D(2026, 4, 2), None, clinician)
    c6 = case(D(2026, 1, 1), D(2026, 3, 31))
    allocate(c6, "GH03", D(2026, 1, 1), D(2026, 3, 31), clinician)

    made = contract(
        commissioner,
        provider,
        {"GH03": "1000.00", "GA01": "300.00", "GH04": "1500.00"},
        reference="C-QPP-RPP-2026",
        **terms,
    )
    PlanLine.objects.bulk_create(
        PlanLine(contract=made, grouping=code, planned_months=Decimal(n))
        for code, n in {"GH03": 12, "GA01": 6, "GH04": 12}.items()
    )
    return {
        "contract": made,
        "commissioner": commissioner,
        "provider": provider,
        "team": team,
        "clinician": clinician,
        "cases": {"c1": c1, "c2": c2, "c3": c3, "c5": c5},
        "commissioner_user": factories.user(Role.COMMISSIONER, commissioner=commissioner),
        "service_manager": factories.user(Role.SERVICE_MANAGER, provider=provider),
    }


def contract(
    commissioner, provider, prices: dict[str, str], *, reference: str, financial_year: int = 2026, **terms
) -> Contract:
    """A contract between `commissioner` and `provider` on a new price list of `prices` (grouping: pounds)."""
    return Contract.objects.create(
        reference=reference,
        commissioner=commissioner,
        provider=provider,
        financial_year=financial_year,
        price_list=price_list(commissioner, provider, prices),
        **terms,
    )


def price_list(commissioner, provider, prices: dict[str, str], version: int = 1) -> PriceList:
    made = PriceList.objects.create(
        commissioner=commissioner,
        provider=provider,
        version=version,
        valid_from=D(2026, 4, 1),
        price_base_year="2026/27",
    )
    PriceListLine.objects.bulk_create(
        [PriceListLine(price_list=made, grouping=g, price=Decimal(p)) for g, p in prices.items()]
        + [PriceListLine(price_list=made, grouping="UNGROUPED", price=Decimal(0))]
    )
    return made
