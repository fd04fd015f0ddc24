"""A report run again keeps its last good result readable and downloadable until a newer run is done: while
the newer one waits, and after it fails (the page says which, and why)."""

import pandas as pd
import pytest

from accounts.models import Role
from reports import runs
from reports.disclosure import DisclosureRule
from reports.kinds import KINDS, ReportKind, one_scope
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
    page = client.get(CASEMIX, {"period": "2026-10"}).content.decode()
    download = client.get(f"{CASEMIX}2026-10.csv")
    body = b"".join(download.streaming_content).decode() if download.status_code == 200 else ""
    return page, download.status_code, body


def test_the_last_good_report_stays_while_a_newer_run_is_queued(client, october):
    runs.execute_run(casemix_run().pk)
    _, _, good_csv = page_and_download(client)

    casemix_run()  # re-run asked for: queued
    page, status, body = page_and_download(client)
    assert (status, body) == (200, good_csv)
    assert 'data-testid="report-table"' in page
    status_line = page.split('data-testid="run-status"')[1].split("</p>")[0]
    assert "6 rows, data as of" in status_line
    assert "A newer run is queued; the report below is the last good one until it is done." in status_line


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
        ReportKind(
            "casemix",
            KINDS["casemix"].columns,
            one_scope(broken),
            frozenset({"commissioner"}),
            DisclosureRule(),
        ),
    )
    assert runs.execute_run(casemix_run().pk).status == "failed"
    monkeypatch.undo()

    page, status, body = page_and_download(client)
    assert (status, body) == (200, good_csv)
    assert 'data-testid="report-table"' in page
    status_line = page.split('data-testid="run-status"')[1].split("</p>")[0]
    assert "A newer run failed; the report below is the last good one." in status_line
    assert "The run failed: RuntimeError: the database went away" in status_line


def test_a_report_never_finished_has_nothing_to_download(client, october):
    casemix_run()
    page, status, _ = page_and_download(client)
    assert status == 302 and 'data-testid="report-table"' not in page
