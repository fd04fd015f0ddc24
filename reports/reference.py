"""Costing reference data installed by a migration and edited in the admin afterwards (SPEC §5).

Both figures are the VERIFIED anchors of SPEC §5 (PSSRU Unit Costs 2014, 2013/14 prices, adult community
mental health team), applied to every profession until a service enters its own CAMHS figures.
"""

import datetime as dt
from decimal import Decimal

ANCHOR_VALID_FROM = dt.date(2000, 1, 1)
PRICE_BASE_YEAR = "2013/14"
TEAM_MEMBER_HOUR = Decimal("37.00")
FACE_TO_FACE_CONTACT = Decimal("128.00")
SOURCE = (
    "PSSRU Unit Costs 2014 (2013/14 prices), adult community mental health team: the same figure for every "
    "profession until the service enters its own."
)


def install_costs(apps) -> None:
    """Add the anchor costs where missing; never overwrite what an administrator edited."""
    Profession = apps.get_model("accounts", "Profession")
    UnitCost = apps.get_model("reports", "UnitCost")
    ReferenceContactCost = apps.get_model("reports", "ReferenceContactCost")
    anchored = set(
        UnitCost.objects.filter(valid_from=ANCHOR_VALID_FROM).values_list("profession_id", flat=True)
    )
    for profession in Profession.objects.exclude(pk__in=anchored):
        UnitCost.objects.get_or_create(
            profession=profession,
            valid_from=ANCHOR_VALID_FROM,
            defaults={"hourly_cost": TEAM_MEMBER_HOUR, "price_base_year": PRICE_BASE_YEAR, "source": SOURCE},
        )
    ReferenceContactCost.objects.get_or_create(
        valid_from=ANCHOR_VALID_FROM,
        defaults={"contact_cost": FACE_TO_FACE_CONTACT, "price_base_year": PRICE_BASE_YEAR, "source": SOURCE},
    )
