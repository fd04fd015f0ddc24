"""A data manager uploads the demo's extract on the imports page; the import's page follows the run until its
counts and the report of its deliberate errors appear, without a reload."""

import pytest
from playwright.sync_api import expect

from accounts.models import Commissioner, Provider, Role, Team
from imports.models import ImportRun
from imports.tasks import import_extract
from tests import factories
from tests.browser.conftest import log_in
from tests.imports.test_demo_extract import DEMO_EXTRACT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_data_manager_uploads_the_demo_extract_and_reads_its_errors(
    page, reference_data, settings, tmp_path, monkeypatch
):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    monkeypatch.setattr(
        import_extract, "apply_async", lambda args, **options: None
    )  # run below, while the page watches
    provider = Provider.objects.create(code="DEMO-N", name="Northshire Children's NHS Trust (demo)")
    for code in ("N-COM", "N-ND", "N-ED"):
        Team.objects.create(provider=provider, code=code, name=code)
    Commissioner.objects.create(code="QDN", name="Demo ICB North")
    manager = factories.user(Role.DATA_MANAGER, provider=provider)
    log_in(page, manager.username)
    page.get_by_role("link", name="Imports", exact=True).click()
    page.set_input_files("#id_extract", sorted(str(path) for path in DEMO_EXTRACT.glob("*.csv")))
    page.get_by_role("button", name="Load the extract").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Queued")
    page.wait_for_function("() => window.htmx !== undefined")

    import_extract.apply(args=(ImportRun.objects.get().pk,))
    expect(page.get_by_test_id("run-status")).to_contain_text("Done")  # swapped in by htmx
    expect(page.get_by_test_id("import-counts")).to_contain_text("patients.csv")
    rejections = page.get_by_test_id("rejections")
    for deliberate in (
        "check digit does not match",
        "looks like a spreadsheet formula",
        "'N-XYZ' is not a team code",
        "is before the referral date",
        "'8' is not an AttendOrDNACode",
        "its referral (referrals.csv line 35) was rejected",
    ):
        expect(rejections).to_contain_text(deliberate)
    expect(page.get_by_test_id("report-download")).to_be_visible()
