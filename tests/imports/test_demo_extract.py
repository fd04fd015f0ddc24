"""The demo's extract (demo/extract/) loads into the demo's northern provider with its deliberate errors, and
only those, reported."""

from pathlib import Path

import pytest

from accounts.models import Commissioner, Provider, Team
from imports import merge
from imports.files import read_extract

pytestmark = pytest.mark.django_db

DEMO_EXTRACT = Path(__file__).resolve().parents[2] / "demo" / "extract"


@pytest.fixture
def north(reference_data):
    provider = Provider.objects.create(code="DEMO-N", name="Northshire (demo)")
    for code in ("N-COM", "N-ND", "N-ED"):
        Team.objects.create(provider=provider, code=code, name=code)
    Commissioner.objects.create(code="QDN", name="Demo ICB North")
    return provider


def test_the_demo_extract_loads_with_its_deliberate_errors_reported(north):
    outcome = merge.load(north, read_extract(DEMO_EXTRACT, full=True), full=True)
    reasons = {(r.file, r.column, r.reason.split(" (")[0]) for r in outcome.rejected}
    for line in sorted(reasons):
        print(line)
    assert ("patients.csv", "NHSNumber", merge.checks.limits.PATIENT_ALREADY_REGISTERED) not in reasons
    assert {r.file for r in outcome.rejected} == {"patients.csv", "referrals.csv", "contacts.csv"}
    words = " ".join(r.reason for r in outcome.rejected)
    for deliberate in (
        "check digit",
        "formula",
        "'N-XYZ' is not a team code",
        "before the referral date",
        "'8' is not an AttendOrDNACode",
    ):
        assert deliberate in words
    assert outcome.counts["patients.csv"].loaded == 118
    assert outcome.counts["contacts.csv"].loaded > 200
