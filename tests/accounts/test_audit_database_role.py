"""As the application's own database role (production's DATABASE_URL), the audit trail cannot be rewritten.

The five attempts an attacker with the application's connection made against a deployment where the
application owned its tables, each now refused: TRUNCATE, disabling the triggers, replica mode (which skips
triggers) then UPDATE, a plain UPDATE, and a back-dated INSERT (the database sets the time). The same role
still does the application's ordinary work.
"""

import datetime as dt
from collections.abc import Iterator

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from accounts.audit import Action, AuditEvent, record
from accounts.database_roles import grant_app_role

pytestmark = pytest.mark.django_db(transaction=True)

APP_ROLE = "camhs_pbr_app_test"


@pytest.fixture
def app_connection() -> Iterator[psycopg2.extensions.connection]:
    """A connection to the test database as a login role that does not own the tables, granted by the owner
    as `migrate` grants it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    assert grant_app_role(connection, APP_ROLE)
    settings = connection.settings_dict
    app = psycopg2.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, dbname=settings["NAME"], user=APP_ROLE
    )
    app.autocommit = True
    yield app
    app.close()


@pytest.fixture
def event() -> AuditEvent:
    return record(Action.LOGIN, by=None, username="manager")


def _refused(app: psycopg2.extensions.connection, sql: str, params: tuple = ()) -> None:
    with pytest.raises(psycopg2.Error), app.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_application_role_cannot_truncate_the_audit_trail(app_connection, event):
    _refused(app_connection, "TRUNCATE accounts_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_application_role_cannot_disable_the_audit_triggers(app_connection, event):
    _refused(app_connection, "ALTER TABLE accounts_auditevent DISABLE TRIGGER ALL")
    _refused(
        app_connection, "ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only"
    )


def test_the_application_role_cannot_skip_the_triggers_in_replica_mode_and_update(app_connection, event):
    _refused(app_connection, "SET session_replication_role = replica")
    _refused(
        app_connection, "UPDATE accounts_auditevent SET username = 'someone else' WHERE id = %s", (event.pk,)
    )
    _refused(app_connection, "DELETE FROM accounts_auditevent WHERE id = %s", (event.pk,))
    assert AuditEvent.objects.get(pk=event.pk).username == "manager"


def test_a_back_dated_event_is_stamped_with_the_databases_time(app_connection):
    before = timezone.now()
    with app_connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_auditevent (at, username, role, action, object_type, object_id, outcome,"
            " changed_fields, request_id) VALUES ('2020-01-01T00:00:00Z', 'intruder', '', 'login', '', '',"
            " 'done', '[]', '') RETURNING id"
        )
        (pk,) = cursor.fetchone()
    stored = AuditEvent.objects.get(pk=pk).at
    assert stored >= before - dt.timedelta(seconds=5)


def test_the_caller_cannot_choose_an_events_time_through_the_orm_either(db):
    event = AuditEvent.objects.create(action=Action.LOGIN, at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    event.refresh_from_db()
    assert event.at.year == timezone.now().year


def test_the_application_role_still_reads_and_adds_to_the_trail_and_writes_other_tables(
    app_connection, event
):
    with app_connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_auditevent")
        assert cursor.fetchone()[0] >= 1
        cursor.execute(
            "INSERT INTO accounts_auditevent (username, role, action, object_type, object_id, outcome,"
            " changed_fields, request_id) VALUES ('manager', '', 'logout', '', '', 'done', '[]', '')"
        )
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('k', 'd', now())"
        )
        cursor.execute("UPDATE django_session SET session_data = 'e' WHERE session_key = 'k'")
        cursor.execute("DELETE FROM django_session WHERE session_key = 'k'")
