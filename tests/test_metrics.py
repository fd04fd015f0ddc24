"""/metrics (issue 28): Prometheus' scrape, behind a bearer token, with request, database, run and queue
series an operator alerts on (README "Operations")."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from camhs_pbr.celery import app
from camhs_pbr.queueing import publish
from camhs_pbr.runs.models import RunStatus
from groupings.selectors import current_rules_version
from reports import tasks
from reports.models import ReportRun

pytestmark = pytest.mark.django_db
TOKEN = "a-scrape-token-for-the-tests"


@pytest.fixture
def with_a_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.status_code
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def report_run(report: str = "casemix", **fields) -> ReportRun:
    values = {
        "report": report,
        "period": dt.date(2026, 10, 1),
        "scope_kind": "commissioner",
        "scope_code": uuid.uuid4().hex[:6],
        "rules_version": current_rules_version(),
        "requested_at": timezone.now(),
    }
    return ReportRun.objects.create(**{**values, **fields})


def test_without_a_token_configured_there_is_no_metrics_page(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.usefixtures("with_a_token")
def test_a_scrape_without_the_token_is_refused(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer a-wrong-token").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 403  # the scheme is required


@pytest.mark.usefixtures("with_a_token")
def test_requests_are_timed_by_route_and_database_queries_counted(client, service):
    client.force_login(service["clinician"])
    assert client.get(reverse("assessments:caseload")).status_code == 200
    samples = scrape(client)
    latency = [
        value
        for (name, labels), value in samples.items()
        if name == "django_http_requests_latency_seconds_by_view_method_count"
        and ("view", "assessments:caseload") in labels
    ]
    assert latency and latency[0] >= 1
    queries = [value for (name, _), value in samples.items() if name == "django_db_execute_total"]
    assert queries and sum(queries) > 0


@pytest.mark.usefixtures("with_a_token")
def test_runs_are_counted_by_kind_and_status_and_a_quiet_one_is_stuck(client, reference_data, settings):
    settings.RUN_STALL_SECONDS = 600
    long_ago = timezone.now() - dt.timedelta(hours=1)
    report_run(status=RunStatus.QUEUED, requested_at=long_ago, progress_at=long_ago)  # stuck
    report_run(status=RunStatus.QUEUED)  # just queued
    started = timezone.now() - dt.timedelta(seconds=90)
    report_run(status=RunStatus.DONE, started_at=started, finished_at=started + dt.timedelta(seconds=30))
    report_run(status=RunStatus.FAILED, started_at=started, finished_at=started)
    samples = scrape(client)
    assert samples[("camhs_pbr_runs", (("kind", "report"), ("status", "queued")))] == 2
    assert samples[("camhs_pbr_runs_stuck", (("kind", "report"),))] == 1
    assert samples[("camhs_pbr_runs_stuck", (("kind", "regrouping"),))] == 0
    assert samples[("camhs_pbr_runs_failed_total", (("kind", "report"),))] == 1
    assert samples[("camhs_pbr_run_duration_seconds_count", (("kind", "report"),))] == 1
    assert samples[("camhs_pbr_run_duration_seconds_sum", (("kind", "report"),))] == pytest.approx(30)


@pytest.mark.usefixtures("with_a_token")
def test_each_report_s_last_successful_scheduled_run_is_a_timestamp(client, reference_data, service):
    finished = timezone.now() - dt.timedelta(days=3)
    report_run("casemix", status=RunStatus.DONE, started_at=finished, finished_at=finished)
    later = finished + dt.timedelta(days=1)
    report_run(
        "casemix",
        status=RunStatus.DONE,
        started_at=later,
        finished_at=later,
        requested_by=service["clinician"],
    )
    samples = scrape(client)
    key = ("camhs_pbr_report_last_success_timestamp_seconds", (("report", "casemix"),))
    assert samples[key] == pytest.approx(
        finished.timestamp()
    )  # a run someone asked for is not the schedule's


@pytest.mark.usefixtures("with_a_token")
def test_the_queue_s_waiting_messages_are_counted_on_the_real_broker(client, reference_data):
    queue = f"test-metrics-{uuid.uuid4().hex[:8]}"
    default = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        publish(tasks.run_report, 10**9)  # no worker consumes this queue
        samples = scrape(client)
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)  # type: ignore[attr-defined]
        app.conf.task_default_queue = default
    assert samples[("camhs_pbr_queue_up", ())] == 1
    assert samples[("camhs_pbr_queue_waiting_messages", ())] == 1
