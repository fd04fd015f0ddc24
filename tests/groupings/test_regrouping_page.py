"""The re-grouping page reads clearly: names beside codes, what "would move" and the agreement counts mean,
and the movement table as a CSV download (counts of the manager's scope only)."""

import csv
import io

import pytest
from django.core.cache import cache

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from tests import factories
from tests.test_page_queries import add_cases

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
    assert "not open cases" in agreement and "open or ended" in agreement


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
