"""Reads the managers' pages make on every request stay cheap as the records grow (PostgreSQL plans).

- The stamp of the data (dashboards.cache.data_stamp, read by every dashboard request) finds the latest
  admin change through a partial index, not by walking back through the audit log, which grows by a row for
  every page anyone opens.
- A case's second attended contact (the data-quality check "a Current View by the second contact", its
  drill-down list) is read from the partial index of attended contacts, in order, without sorting them.
"""

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import Action, AuditEvent, record
from accounts.models import Role
from assessments.choices import Attendance
from assessments.models import Case
from assessments.selectors import caseload_sources
from dashboards import data_quality
from dashboards.cache import data_stamp
from tests import factories

pytestmark = pytest.mark.django_db


def plan(sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """Every node of the plan PostgreSQL chooses for `sql` when it may avoid scanning whole tables and sorting
    (a test's few rows would make those the cheapest, where a service's millions make them the slowest)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (raw,) = cursor.fetchone()
    top = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    nodes, todo = [], [top]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def scans_of(nodes: list[dict], table: str) -> list[dict]:
    return [node for node in nodes if node.get("Relation Name") == table]


def test_the_data_stamp_finds_the_latest_admin_change_without_reading_page_views(service):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    record(Action.ADMIN_CHANGE, by=manager, object_type="accounts.team", object_id="1")
    AuditEvent.objects.bulk_create(
        AuditEvent(user=manager, username=manager.username, action=Action.VIEW_CASE, object_type="case")
        for _ in range(3000)
    )
    with CaptureQueriesContext(connection) as captured:
        stamp = data_stamp()
    assert stamp[len(caseload_sources()) - 1] == AuditEvent.objects.get(action=Action.ADMIN_CHANGE).pk

    (query,) = captured.captured_queries
    audit_scans = scans_of(plan(query["sql"]), "accounts_auditevent")
    assert [scan.get("Index Name") for scan in audit_scans] == ["auditevent_admin_idx"]
    assert all("Filter" not in scan for scan in audit_scans)  # no page view is read and thrown away


def test_the_second_attended_contact_is_read_from_the_attended_contacts_index(service):
    clinician = service["clinician"]
    for n in range(300):
        case = factories.case(service["team_a"], factories.patient(family_name=f"Plan{n:03d}"))
        for day, attendance in (
            (1, Attendance.DID_NOT_ATTEND),
            (2, Attendance.ATTENDED),
            (3, Attendance.ATTENDED),
        ):
            factories.contact(
                case, clinician, starts_at=dt.datetime(2026, 3, day, 10, tzinfo=dt.UTC), attendance=attendance
            )
    cases = Case.objects.annotate(day=data_quality.second_attended_day())
    sql, params = cases.order_by().values("day").query.sql_with_params()

    nodes = plan(sql, params)
    contact_scans = scans_of(nodes, "assessments_contact")
    assert contact_scans
    assert {scan["Index Name"] for scan in contact_scans} == {"contact_attended_idx"}
    # Neither the attendance nor the order needs the contacts themselves: no filter, no sort. (Once VACUUM
    # has marked the pages all-visible, PostgreSQL reads the index alone; a test's transaction cannot vacuum.)
    assert all("Filter" not in scan for scan in contact_scans)
    assert not [node for node in nodes if "Sort" in node["Node Type"]]
    assert {case.day for case in cases} == {dt.date(2026, 3, 3)}
