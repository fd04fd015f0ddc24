"""At most one run of a kind and key is queued or running, a database constraint: a second request joins it
and nothing is executed twice, even for 20 requests at once."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from camhs_pbr import queueing
from camhs_pbr.celery import app
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import RunStatus
from groupings import services as groupings_services
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from lab.models import LabRun
from reports.models import ReportRun
from tests import factories
from tests.reports.helpers import october_casemix


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_run_of_the_same_key(service):
    version = current_rules_version()
    RegroupingRun.objects.create(rules_version=version, requested_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegroupingRun.objects.create(rules_version=version, requested_by=None)
    RegroupingRun.objects.update(status=RunStatus.DONE)
    RegroupingRun.objects.create(rules_version=version, requested_by=None)  # finished ones do not count

    manager = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    lab = {
        "provider": service["provider"],
        "requested_by": manager,
        "method": "tree",
        "params": {"min_leaf": 5},
        "closed_from": dt.date(2025, 6, 1),
        "closed_to": dt.date(2025, 12, 31),
        "rules_version": version,
    }
    LabRun.objects.create(**lab)
    with pytest.raises(IntegrityError), transaction.atomic():
        LabRun.objects.create(**lab)
    LabRun.objects.create(**{**lab, "seed": 2})  # another request


@pytest.mark.django_db
def test_a_second_regrouping_request_joins_the_active_run(service, django_capture_on_commit_callbacks):
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    with django_capture_on_commit_callbacks() as sent:
        first = groupings_services.start_regrouping(by=manager, rules_version=current_rules_version())
        again = groupings_services.start_regrouping(by=manager, rules_version=current_rules_version())
    assert again.pk == first.pk and len(sent) == 1
    events = AuditEvent.objects.filter(action=Action.START_REGROUPING, object_id=str(first.pk))
    assert events.count() == 2  # both requests are in the trail


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_twenty_re_run_posts_at_once_queue_the_report_once(reference_data):
    world = october_casemix()
    user = factories.user(Role.COMMISSIONER, commissioner=world["commissioner"])
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = f"nobody-{uuid.uuid4().hex[:8]}"  # nothing executes: count what is sent
    start = threading.Barrier(20)
    answers: list[int] = []

    def post() -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            answers.append(
                client.post("/reports/casemix/commissioner/QAA/", {"period": "2026-10"}).status_code
            )
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=post) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        [run] = ReportRun.objects.all()
        prefix = lifecycle.message_prefix(ReportRun, run.pk)
        sent = [m for m in queueing.waiting_message_ids() or () if m.startswith(prefix)]
    finally:
        with app.connection_for_write() as broker:
            broker.default_channel.client.delete(app.conf.task_default_queue)  # type: ignore[attr-defined]
        app.conf.task_default_queue = default_queue
    assert answers == [302] * 20
    assert (run.status, len(sent)) == (RunStatus.QUEUED, 1)
    assert AuditEvent.objects.filter(action=Action.REQUEST_REPORT_RUN, object_id=str(run.pk)).count() == 20
