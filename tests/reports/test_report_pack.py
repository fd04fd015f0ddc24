"""The monthly PDF pack: what it shows (read back with pdftotext), the same bytes from the command and the
beat, made by the monthly beat after the reports, and downloadable only by whoever sees the whole scope."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.management import call_command

from accounts.models import Provider, Role
from camhs_pbr.celery import app
from groupings.selectors import current_rules_version, groupings_of
from reports import runs, tasks
from reports.models import ReportPack
from reports.pack import DISCLOSURE_NOTE
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")


def text_of(pdf_path) -> str:
    text = subprocess.run(["/usr/bin/pdftotext", str(pdf_path), "-"], capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)


def run_reports(scope_kind: str, code: str, reports: tuple[str, ...]) -> None:
    for report in reports:
        run = runs.prepare_run(report=report, month=OCTOBER, scope_kind=scope_kind, scope_code=code, by=None)
        runs.execute_run(run.pk)


def test_the_command_writes_a_commissioners_pack_showing_scope_period_groupings_and_disclosure(
    reference_data, tmp_path
):
    world = october_casemix()
    run_reports("commissioner", "QAA", ("casemix", "outcomes"))
    out = tmp_path / "pack.pdf"
    call_command("report_pack", "--period", "2026-10", "--commissioner", "QAA", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    text = text_of(out)
    assert f"{world['commissioner'].name} (QAA)" in text
    assert "October 2026" in text and "2026-10" in text
    assert f"Rules version {current_rules_version().label}" in text
    assert "Case-mix" in text and "Outcomes by grouping" in text and "Headline figures" in text
    for code, name in groupings_of(current_rules_version()).values_list("code", "name"):
        assert f"{code}: {name}" in text
    assert " ".join(DISCLOSURE_NOTE.split()) in text
    again = tmp_path / "again.pdf"
    call_command("report_pack", "--period", "2026-10", "--commissioner", "QAA", "--out", str(again))
    assert without_dates(again.read_bytes()) == without_dates(out.read_bytes())


def test_a_providers_pack_has_a_page_per_report_and_no_disclosure_note(reference_data, tmp_path):
    october_casemix()
    run_reports("provider", "RAA", ("cost", "currency"))
    out = tmp_path / "pack.pdf"
    call_command("report_pack", "--period", "2026-10", "--provider", "RAA", "--out", str(out))
    text = text_of(out)
    assert "Cost by team and grouping, " in text and "Currency quality, " in text
    # A report not run that month says so rather than leaving its page out.
    assert "Not available: the outcomes by grouping report for October 2026 has not finished." in text
    assert "disclosure-controlled" not in text


def test_the_monthly_beat_makes_each_scopes_pack_after_its_reports_the_same_as_the_command(
    reference_data, monkeypatch, django_capture_on_commit_callbacks, tmp_path
):
    october_casemix()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2026, 11, 1))
    app.conf.task_always_eager = True  # the worker's code path, in this process
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.run_previous_month() == 12  # 2 ICBs x 2 kinds, 2 providers x 4 kinds
    finally:
        app.conf.task_always_eager = False
    packs = ReportPack.objects.order_by("scope_kind", "scope_code")
    assert [(p.scope_kind, p.scope_code, p.period, p.made) for p in packs] == [
        ("commissioner", "QAA", OCTOBER.first, True),
        ("commissioner", "QZZ", OCTOBER.first, True),
        ("provider", "RAA", OCTOBER.first, True),
        ("provider", "RBB", OCTOBER.first, True),
    ]
    out = tmp_path / "RAA.pdf"
    call_command("report_pack", "--period", "2026-10", "--provider", "RAA", "--out", str(out))
    stored = bytes(packs.get(scope_code="RAA").pdf)
    assert without_dates(stored) == without_dates(out.read_bytes())


def test_a_report_run_alone_makes_no_pack_that_was_not_asked_for(reference_data):
    october_casemix()
    run_reports("commissioner", "QAA", ("casemix",))
    assert not ReportPack.objects.exists()


def test_only_a_run_of_a_report_the_pack_shows_makes_it_and_waits_only_for_those(reference_data):
    october_casemix()
    pack = runs.ask_for_pack(month=OCTOBER, scope_kind="provider", scope_code="RAA")
    teammix = runs.prepare_run(
        report="teammix", month=OCTOBER, scope_kind="provider", scope_code="RAA", by=None
    )
    run_reports("provider", "RAA", ("cost", "currency", "outcomes"))  # the case-mix by team still queued
    pack.refresh_from_db()
    assert pack.made and bytes(pack.pdf).startswith(b"%PDF")
    made_at = pack.made_at
    assert made_at is not None
    runs.execute_run(teammix.pk)  # not in the pack: it stays as it was
    pack.refresh_from_db()
    assert pack.made_at == made_at
    run_reports("provider", "RAA", ("cost",))  # in the pack: made again
    pack.refresh_from_db()
    assert pack.made_at is not None and pack.made_at > made_at


@pytest.fixture
def made_packs(reference_data):
    world = october_casemix()
    for kind, code in (("commissioner", "QAA"), ("commissioner", "QZZ"), ("provider", "RAA")):
        ReportPack.objects.create(
            scope_kind=kind,
            scope_code=code,
            period=OCTOBER.first,
            rules_version=current_rules_version(),
            made_at=dt.datetime(2026, 11, 1, 3, tzinfo=dt.UTC),
            pdf=f"%PDF-1.7 pack of {code}".encode(),
        )
    return world


def test_a_pack_downloads_only_for_whoever_sees_its_whole_scope(client, made_packs):
    ours = factories.user(Role.COMMISSIONER, commissioner=made_packs["commissioner"])
    client.force_login(ours)
    page = client.get("/reports/")
    assert "/reports/packs/commissioner/QAA/2026-10.pdf" in page.content.decode()
    assert "/reports/packs/commissioner/QZZ/2026-10.pdf" not in page.content.decode()
    response = client.get("/reports/packs/commissioner/QAA/2026-10.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 pack of QAA"
    assert client.get("/reports/packs/commissioner/QZZ/2026-10.pdf").status_code == 403
    assert client.get("/reports/packs/provider/RAA/2026-10.pdf").status_code == 403
    assert client.get("/reports/packs/commissioner/QAA/2026-09.pdf").status_code == 404  # not made

    raa = Provider.objects.get(code="RAA")
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=raa))
    assert client.get("/reports/packs/provider/RAA/2026-10.pdf").content == b"%PDF-1.7 pack of RAA"
    # A team manager's pages show their own teams' rows; the pack holds the whole provider's.
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=tuple(raa.teams.all()[:1])))
    assert client.get("/reports/packs/provider/RAA/2026-10.pdf").status_code == 403
