"""A report run again keeps its last good result readable and downloadable until a newer run is done: while
the newer one waits, and after it fails (the page says which, and why)."""

from dataclasses import replace

import pandas as pd
import pytest

from accounts.models import Role
from reports import runs
from reports.disclosure import DisclosureRule
from reports.kinds import KINDS, one_scope
from reports.periods import Month
from tests import factories
from tests.reports.helpers import october_casemix

pytestmark = pytest.mark.django_db
OCTOBER = Month.of("2026-10")
CASEMIX = "/reports/casemix/commissioner/QAA/"


@pytest.fixture
def october(reference_data, client):
    world = october_casemix()
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=world["commissioner"]))
    return world


def casemix_run():
    return runs.prepare_run(
        report="casemix", month=OCTOBER, scope_kind="commissioner", scope_code="QAA", by=None
    )


def page_and_download(client) -> tuple[str, int, str]:
    """The page's status line (with "table" after it when the table is shown) and the CSV download."""
    page = client.get(CASEMIX, {"period": "2026-10", "columns": "all"}).content.decode()
    status_line = page.split('data-testid="run-status"')[1].split("</p>")[0]
    shown = status_line + (" table" if 'data-testid="report-table"' in page else "")
    download = client.get(f"{CASEMIX}2026-10.csv")
    body = b"".join(download.streaming_content).decode() if download.status_code == 200 else ""
    return shown, download.status_code, body


def test_the_last_good_report_stays_while_a_newer_run_is_queued(client, october):
    runs.execute_run(casemix_run().pk)
    _, _, good_csv = page_and_download(client)

    casemix_run()  # re-run asked for: queued
    shown, status, body = page_and_download(client)
    assert (status, body) == (200, good_csv)
    assert "6 rows, data as of" in shown and shown.endswith("table")
    assert "A newer run is queued; the report below is the last good one until it is done." in shown


def test_the_last_good_report_stays_after_a_newer_run_fails_and_the_page_says_why(
    client, october, monkeypatch
):
    runs.execute_run(casemix_run().pk)
    _, _, good_csv = page_and_download(client)

    def broken(month: Month, code: str, rules_version: object) -> pd.DataFrame:
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        KINDS,
        "casemix",
        replace(KINDS["casemix"], compute=one_scope(broken), disclosure=DisclosureRule()),
    )
    assert runs.execute_run(casemix_run().pk).status == "failed"
    monkeypatch.undo()

    shown, status, body = page_and_download(client)
    assert (status, body) == (200, good_csv) and shown.endswith("table")
    assert "A newer run failed; the report below is the last good one." in shown
    assert "The run failed: RuntimeError: the database went away" in shown


def test_a_report_never_finished_has_nothing_to_download(client, october):
    casemix_run()
    shown, status, _ = page_and_download(client)
    assert status == 302 and not shown.endswith("table")
