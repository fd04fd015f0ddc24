"""The re-grouping page reads clearly: names beside codes, what "would move" and the agreement counts mean,
and the movement table as a CSV download (counts of the manager's scope only)."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from tests import factories
from tests.groupings.helpers import copy_of_current_rules_version
from tests.test_page_queries import add_cases, movement_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(service):
    cache.clear()
    return factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))


def test_the_page_names_each_grouping_beside_its_code_and_explains_its_counts(client, service, manager):
    add_cases(service, 2)
    client.force_login(manager)
    body = client.get("/groupings/regrouping/").content.decode()
    assert 'GH03 <span class="text-muted">Getting Help: Depression</span>' in body
    explained = body[body.index('data-testid="movement-explained"') :]
    assert "would move" in explained and "deliberately chose a different grouping" in explained
    agreement = body[body.index('data-testid="agreement-explained"') :]
    assert "not open referrals" in agreement and "open or ended" in agreement


def test_the_movement_table_downloads_as_csv_with_names_and_only_the_managers_cases(client, service, manager):
    add_cases(service, 2)
    other = factories.case(service["team_b"], factories.patient(family_name="Elsewhere"))
    factories.contact(other, service["clinician"])
    client.force_login(manager)
    response = client.get("/groupings/regrouping/movement.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="movement-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "current_allocation": "GH03",
            "current_allocation_name": "Getting Help: Depression",
            "new_suggestion": "GH03",
            "new_suggestion_name": "Getting Help: Depression",
            "cases": "2",
            "moves": "0",
        }
    ]
    assert AuditEvent.objects.filter(action=Action.EXPORT_REPORT, object_type="groupings.movement").exists()


def test_a_clinician_cannot_download_the_movement_table(client, service):
    client.force_login(service["clinician"])
    assert client.get("/groupings/regrouping/movement.csv").status_code == 403


def test_a_service_manager_and_a_team_manager_share_a_teams_count_and_each_sees_only_their_scope(
    client, service, manager
):
    add_cases(service, 2)  # team A: allocated GH03 and suggested GH03 again
    elsewhere = factories.case(service["team_b"], factories.patient(family_name="Elsewhere"))
    factories.contact(elsewhere, service["clinician"])
    head = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    client.force_login(head)
    assert movement_of(client) == {("GH03", "GH03"): 2, ("None allocated", "No Current View"): 1}

    client.force_login(manager)
    with CaptureQueriesContext(connection) as captured:
        assert movement_of(client) == {("GH03", "GH03"): 2}
    # Team A was counted for the service manager: the team manager's page counts no case again.
    assert not [query for query in captured if "GROUP BY" in query["sql"]]
    agreement = client.get("/groupings/regrouping/").context["agreement"]
    assert set(agreement) == {service["team_a"].name, "All"} and agreement["All"].n == 2


def test_an_open_case_without_a_current_view_reads_no_current_view_and_one_not_suggested_yet_not_yet_run(
    client, service, manager
):
    add_cases(service, 1)
    factories.contact(factories.case(service["team_a"], factories.patient()), service["clinician"])
    newer = copy_of_current_rules_version("CAMHS-NBG v2 (not run)")
    client.force_login(manager)
    table = client.get(f"/groupings/regrouping/?rules_version={newer.pk}").context["movement"]
    movement = {(row["from_code"], row["to_code"]): row["cases"] for row in table}
    assert movement == {("GH03", "Not yet run"): 1, ("None allocated", "No Current View"): 1}
