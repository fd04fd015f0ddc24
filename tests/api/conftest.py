import datetime as dt

import pytest

from accounts.models import Role
from api import services
from groupings import services as grouping_services
from tests import factories
from tests.groupings.helpers import ratings


@pytest.fixture
def world(reference_data):
    """Two providers, a case of team A of the first with a Current View and an allocation, an ICB."""
    provider, elsewhere = factories.provider(), factories.provider()
    team_a, team_c = factories.team(provider), factories.team(elsewhere)
    icb = factories.commissioner()
    clinician = factories.user(Role.CLINICIAN, teams=(team_a,))
    case = factories.case(
        team_a, factories.patient(provider=provider, date_of_birth=dt.date(2012, 5, 17)), commissioner=icb
    )
    other_case = factories.case(team_c, factories.patient(provider=elsewhere), commissioner=icb)
    _, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 3, 20),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    assert suggestion.grouping is not None
    grouping_services.allocate_grouping(
        by=clinician, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=None
    )
    return {
        "provider": provider,
        "elsewhere": elsewhere,
        "icb": icb,
        "clinician": clinician,
        "case": case,
        "other_case": other_case,
    }


@pytest.fixture
def key_for(world):
    """`key_for("provider", ["grouping"])`: the text of a new key of a client of that organisation."""

    def make(owner: str = "provider", scopes=("grouping",), expires_at=None, name: str | None = None) -> str:
        organisation = {owner: world[owner]} if owner != "icb" else {"commissioner": world["icb"]}
        if owner == "elsewhere":
            organisation = {"provider": world["elsewhere"]}
        client = services.create_client(
            by=None, name=name or f"{owner}-{'-'.join(scopes)}-{expires_at}", **organisation
        )
        return services.issue_key(by=None, client=client, scopes=list(scopes), expires_at=expires_at)[1]

    return make


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}
