"""A service manager starts a lab run from the lab page; its page follows the run with htmx until the
results appear, without a reload."""

import pytest
from playwright.sync_api import expect

from lab.models import LabRun
from lab.tasks import fit_lab_run
from tests.browser.conftest import log_in
from tests.lab.run_helpers import PERIOD, lab_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_service_manager_starts_a_run_and_sees_its_results_arrive(
    page, service, settings, tmp_path, monkeypatch
):
    settings.LAB_MODELS_DIR = tmp_path
    monkeypatch.setattr(
        fit_lab_run, "apply_async", lambda args, **options: None
    )  # run below, while the page watches
    world = lab_world(service)
    log_in(page, world["manager"].username)
    page.get_by_role("link", name="Lab", exact=True).click()
    page.select_option("#id_method", "tree")
    page.fill("#id_closed_from", PERIOD["closed_from"])
    page.fill("#id_closed_to", PERIOD["closed_to"])
    page.fill("#id_min_leaf", "5")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Queued")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")

    fit_lab_run.apply(args=(LabRun.objects.get().pk,))
    expect(page.get_by_test_id("run-status")).to_contain_text("Done")  # swapped in by htmx
    expect(page.get_by_test_id("comparison")).to_contain_text("tree leaves")
    expect(page.get_by_test_id("tree-chart")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
