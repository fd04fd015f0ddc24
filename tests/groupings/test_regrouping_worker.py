"""Bulk re-grouping through Redis and a real Celery worker, started from the managers' page."""

import datetime as dt
import re
import time

import pytest

from accounts.models import Role
from groupings import services
from groupings.models import Allocation, RegroupingRun, Suggestion
from tests import factories
from tests.groupings.helpers import copy_of_current_rules_version, ratings

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def wait_for(run_id: int, seconds: float = 60) -> RegroupingRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = RegroupingRun.objects.get(pk=run_id)
        if run.status in ("done", "failed"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish: {RegroupingRun.objects.get(pk=run_id).status}")


@pytest.fixture
def managed_team(service):
    clinician = service["clinician"]
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    allocations = {
        "depressed": ("GH03", ratings(p09=2)),
        "anxious": ("GH04", ratings(p03=2)),
        "overridden": ("GH11", ratings(p14=2)),
    }
    for name, (code, values) in allocations.items():
        case = factories.case(service["team_a"], factories.patient(given_name=name))
        _, suggestion = services.record_and_suggest(
            by=clinician,
            case=case,
            completed_on=dt.date(2025, 3, 3),
            reason="first_contact",
            practitioner=clinician,
            ratings=values,
        )
        grouping = suggestion.rules_version.groupings.get(code=code)
        services.allocate_grouping(
            seen_allocation=None,
            by=clinician,
            case=case,
            suggestion=suggestion,
            grouping=grouping,
            reason_category="clinical_judgement",
            reason_text="Seen in clinic.",
        )
    factories.case(service["team_b"])  # outside the manager's scope
    v2 = copy_of_current_rules_version("CAMHS-NBG v2 (test)", high_at_least=3)
    return {"manager": manager, "v2": v2}


def test_a_manager_runs_a_new_rules_version_on_the_worker_and_sees_the_movement(
    client, celery_worker, managed_team
):
    client.force_login(managed_team["manager"])
    allocations_before = list(Allocation.objects.values_list("pk", "grouping__code", "end_date"))
    response = client.post("/groupings/regrouping/", {"rules_version": managed_team["v2"].pk})
    run = wait_for(int(response.url.split("run=")[1]))
    assert (run.status, run.cases, run.views_grouped, run.chunks_done) == ("done", 3, 3, 1)
    assert Suggestion.objects.filter(rules_version=managed_team["v2"]).count() == 3
    assert list(Allocation.objects.values_list("pk", "grouping__code", "end_date")) == allocations_before

    page = client.get(response.url).content.decode()
    movement = page.split('data-testid="movement"')[1].split("</table>")[0]
    rows = [
        re.sub(r"<[^>]+>", " ", "<tr" + row).split()
        for row in movement.split("<tr")[2:]  # after the header row; tags dropped, words kept
    ]
    for code in ("GH03", "GH04", "GH11"):
        assert any(row[0] == code and "GA01" in row and row[-2:] == ["1", "Yes"] for row in rows), rows
    assert "3 of 3 open referrals would move." in page
    agreement = page.split('data-testid="agreement"')[1].split("</table>")[0]
    assert "66.7%" in agreement  # two of three allocations followed their suggestion

    again = client.post("/groupings/regrouping/", {"rules_version": managed_team["v2"].pk})
    assert wait_for(int(again.url.split("run=")[1])).status == "done"
    assert Suggestion.objects.filter(rules_version=managed_team["v2"]).count() == 3


def test_clinicians_and_commissioners_cannot_open_the_regrouping_page(client, service):
    client.force_login(service["clinician"])
    assert client.get("/groupings/regrouping/").status_code == 403
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=service["commissioner"]))
    assert client.post("/groupings/regrouping/", {"rules_version": 1}).status_code == 403


def test_a_rules_version_that_is_not_a_number_shows_the_current_one(client, service):
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)))
    response = client.get("/groupings/regrouping/", {"rules_version": "abc"})
    assert response.status_code == 200
    assert response.context["chosen"].is_current
