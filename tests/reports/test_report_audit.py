"""Report runs and downloads leave a trace: who asked, how the run ended, who downloaded it."""

import pytest

from accounts.audit import Action, AuditEvent, Outcome
from accounts.models import Role
from reports import runs
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix

pytestmark = pytest.mark.django_db


def test_requesting_executing_and_downloading_a_run_are_recorded(client, reference_data):
    world = october_casemix()
    user = factories.user(Role.COMMISSIONER, commissioner=world["commissioner"])
    run = runs.prepare_run(
        report="casemix", month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=user
    )
    runs.execute_run(run.pk)
    client.force_login(user)
    assert client.get("/reports/casemix/commissioner/QAA/2026-10.csv").status_code == 200
    events = AuditEvent.objects.filter(object_type="reports.reportrun", object_id=str(run.pk)).order_by("pk")
    assert list(events.values_list("action", "user", "outcome")) == [
        (Action.REQUEST_REPORT_RUN, user.pk, Outcome.DONE),
        (Action.EXECUTE_REPORT_RUN, None, Outcome.DONE),
        (Action.EXPORT_REPORT, user.pk, Outcome.DONE),
    ]
