"""Structured logs (issue 28): one JSON line per request and per task with ids, route and timing, never a
patient's details; a refused page is one warning, not a traceback."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from accounts.models import Role
from camhs_pbr.logs import JsonFormatter, RequestContextFilter
from camhs_pbr.urls import urlpatterns as site_patterns
from reports import runs, tasks
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix
from tests.support.personal_data_in_logs import Sought

ROOT = Path(__file__).resolve().parent.parent


def fails(request, pk):
    raise RuntimeError("a bug in a case's page")


urlpatterns = [path("cases/<int:pk>/fails/", fails, name="fails"), *site_patterns]


class Lines:
    """Every record at DEBUG and above, from every logger, as the production handler writes it."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.addFilter(RequestContextFilter())

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.records() if line["logger"] == logger]


@pytest.fixture
def lines():
    root = logging.getLogger()
    level = root.level
    captured = Lines()
    root.addHandler(captured.handler)
    root.setLevel(logging.DEBUG)
    yield captured
    root.removeHandler(captured.handler)
    root.setLevel(level)


@pytest.fixture
def world(service):
    team = service["team_a"]
    maya = factories.patient(
        given_name="Maya", family_name="Rahman", nhs_number="9434765919", provider=service["provider"]
    )
    service["case"] = factories.case(team, maya)
    service["elsewhere"] = factories.case(service["team_b"], factories.patient(given_name="Otto"))
    service["commissioner_user"] = factories.user(Role.COMMISSIONER, commissioner=service["commissioner"])
    return service


@pytest.mark.django_db
def test_each_request_logs_one_line_with_its_id_user_role_route_status_and_duration(client, world, lines):
    client.force_login(world["clinician"])
    response = client.get(reverse("assessments:case_detail", args=[world["case"].pk]))
    [line] = lines.of("camhs_pbr.requests")
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["user_id"], line["role"]) == (str(world["clinician"].pk), "clinician")
    assert (line["method"], line["route"], line["status"]) == ("GET", "assessments:case_detail", 200)
    assert line["duration_ms"] > 0 and line["level"] == "INFO" and line["time"]
    assert "/cases/" not in lines.text and "path" not in line  # the route's name, not the path with its id


@pytest.mark.django_db
def test_a_refused_page_is_one_warning_without_a_traceback(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(world["commissioner_user"])
    assert client.get(reverse("assessments:caseload")).status_code == 403
    refused = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.name, record.levelname) for record in refused] == [("django.request", "WARNING")]
    assert refused[0].exc_info is None and "Traceback" not in caplog.text


REFUSED_IN_A_PROCESS = """
import logging, django
from django.core.exceptions import PermissionDenied
django.setup()
try:
    raise PermissionDenied
except PermissionDenied as error:
    logging.getLogger("django.request").warning(
        "Forbidden (Permission denied): %s", "/cases/", extra={"status_code": 403}, exc_info=error
    )
"""


@pytest.mark.parametrize("debug", ["0", "1"], ids=["production", "make run"])
def test_a_refused_page_is_printed_once_by_the_configured_handlers(debug):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": debug,
    }
    process = subprocess.run(
        [sys.executable, "-c", REFUSED_IN_A_PROCESS], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert process.returncode == 0, process.stderr
    assert process.stderr.count("Forbidden (Permission denied)") == 1
    assert "Traceback" not in process.stderr


@pytest.mark.django_db
def test_a_run_s_task_logs_its_kind_id_attempt_state_and_duration(reference_data, lines):
    october_casemix()
    run = runs.prepare_run(
        report="casemix", month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=None
    )
    tasks.run_report.apply(args=(run.pk,))
    started, finished = lines.of("camhs_pbr.task_logs")
    assert started["task"] == finished["task"] == "reports.tasks.run_report"
    assert (finished["run_kind"], finished["run_id"], finished["attempt"]) == ("reports", run.pk, 1)
    assert finished["state"] == "SUCCESS" and finished["duration_ms"] > 0
    assert started["task_id"] == finished["task_id"]


@pytest.mark.django_db
def test_a_failing_task_logs_the_type_of_its_error_only(reference_data, lines):
    tasks.run_report.apply(args=(10**9,), throw=False)  # no such run
    [failed] = [line for line in lines.of("camhs_pbr.task_logs") if line["level"] == "ERROR"]
    assert failed["error"] == "DoesNotExist" and failed["run_id"] == 10**9


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
def test_no_log_line_holds_a_patient_s_details(world, lines, debug):
    """Case page, caseload searches by name and NHS number, a refused form, a report run, a 403, a 404 and a
    500, with every logger at DEBUG (with DEBUG on, Django would log each query with its parameters)."""
    sought = Sought()
    clinician = Client(raise_request_exception=False)
    clinician.force_login(world["clinician"])
    commissioner = Client()
    commissioner.force_login(world["commissioner_user"])
    case = world["case"]
    with override_settings(DEBUG=debug):
        assert clinician.get(reverse("assessments:case_detail", args=[case.pk])).status_code == 200
        assert clinician.post("/cases/", {"q": "Rahman"}, follow=True).status_code == 200
        assert clinician.post("/cases/", {"q": "943 476 5919"}, follow=True).status_code == 200
        refused_form = {
            "nhs_number": "943 476 5919",
            "given_name": "Maya",
            "family_name": "Rahman",
            "date_of_birth": "2013-02-01",
            "gender": "2",
            "ethnic_category": "K",
            "postcode": "ls14ap",
        }
        assert clinician.post("/patients/new/", refused_form).status_code == 200
        assert commissioner.get(reverse("assessments:caseload")).status_code == 403
        assert (
            clinician.get(reverse("assessments:case_detail", args=[world["elsewhere"].pk])).status_code == 404
        )
        assert clinician.get(f"/cases/{case.pk}/fails/").status_code == 500
    october = october_casemix()
    run = runs.prepare_run(
        report="casemix", month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=None
    )
    tasks.run_report.apply(args=(run.pk,))
    from assessments.models import Patient

    for patient in Patient.objects.all():
        sought.note(patient)
    assert october and len(lines.of("camhs_pbr.requests")) == 9
    assert "Internal Server Error" in lines.text  # the 500's traceback is there, for an engineer
    assert sought.found_in(lines.text) == []


def test_a_pdf_is_made_without_a_log_line_per_page():
    """WeasyPrint narrates each step of each page at INFO; under the project's logging (set up by Django from
    settings.LOGGING) it says only warnings."""
    from weasyprint import HTML

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        HTML(string="<h1>Monthly pack</h1><p style='page-break-before: always'>Page two</p>").write_pdf()
    finally:
        logging.getLogger().removeHandler(handler)
    assert "Creating layout" not in stream.getvalue()
