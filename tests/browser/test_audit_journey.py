"""A manager starts a second-rater audit, a second clinician rates its case blind (the first rating is not in
the page's source until they submit), and the manager reads the agreement (real browser)."""

import pytest
from playwright.sync_api import expect

from assessments.current_view_items import ITEMS
from consistency.models import Audit
from consistency.tasks import compute_agreement, sample_audit
from groupings.selectors import explanation
from tests.browser.conftest import log_in
from tests.consistency.helpers import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_audits_a_second_clinician_rates_blind_and_the_manager_reads_the_agreement(
    page, service, monkeypatch
):
    monkeypatch.setattr(sample_audit, "apply_async", lambda args, **options: None)  # run below
    # The agreement run a rating queues is executed in the server's process, as `make run` does.
    monkeypatch.setattr(
        compute_agreement, "apply_async", lambda args, **options: compute_agreement.apply(args=args)
    )
    w = world(service, cases=1)
    case = w.cases[0]
    allocation = case.allocations.get()

    log_in(page, w.manager.username)
    page.get_by_role("link", name="Audits", exact=True).click()
    page.fill("#id_period_from", "2025-03-01")
    page.fill("#id_period_to", "2025-03-31")
    page.fill("#id_size", "5")
    page.select_option("#id_method", "stratified")
    page.fill("#id_seed", "7")
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Queued")
    page.wait_for_function("() => window.htmx !== undefined")
    sample_audit.apply(args=(Audit.objects.get().pk,))
    expect(page.get_by_test_id("run-status")).to_contain_text("Done")  # swapped in by htmx
    second_rater = page.get_by_label(f"Second rater of {case.reference}")
    expect(second_rater.locator("option", has_text=w.first.display_name)).to_have_count(0)  # not offered
    second_rater.select_option(label="Sam Second")
    page.get_by_role("button", name="Save the second raters").click()
    expect(page.get_by_text("1 case assigned.")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, w.second.username)
    page.get_by_role("link", name="To rate", exact=True).click()
    page.get_by_role("link", name=case.reference, exact=False).click()
    source = page.content()
    assert w.first.display_name not in source  # who rated and allocated first
    assert allocation.suggestion.rule not in source  # type: ignore[union-attr]
    assert explanation(allocation.suggestion) not in source
    assert " checked" not in source  # no item carries the first rating
    for item in ITEMS:
        page.check(f"input[name={item.id}][value='0']")  # None, or No
    page.check("input[name=p09][value='1']")  # low mood: Mild (the first rater said Moderate)
    page.select_option("#id_grouping", label="GA01 Getting Advice: Signposting and self-management advice")
    page.get_by_role("button", name="Save my rating and compare").click()
    expect(page.get_by_test_id("grouping-comparison")).to_contain_text(allocation.grouping.code)
    expect(page.get_by_test_id("item-differences").locator("tr.table-warning")).to_contain_text(
        "Depression/low mood"
    )

    page.context.clear_cookies()
    log_in(page, w.manager.username)
    page.get_by_role("link", name="Audits", exact=True).click()
    audit = Audit.objects.get()
    page.get_by_test_id("audits").get_by_role("link", name=f"Audit {audit.pk}").click()
    expect(page.get_by_test_id("audit-state")).to_contain_text("1 of 1 case rated")
    page.get_by_role("link", name="Agreement of this audit").click()
    expect(page.get_by_test_id("last-result")).to_contain_text("Calculated from the data as of")
    grouping = page.get_by_test_id("agreement-grouping")
    expect(grouping).to_contain_text("0%")
    expect(page.get_by_test_id("lowest-items")).to_be_visible()
    expect(page.get_by_test_id("confusion")).to_contain_text("GA01")
    page.get_by_role("button", name="Recalculate").click()  # here too in the server's process
    expect(page.get_by_text("The figures are being calculated.")).to_be_visible()
    expect(page.get_by_test_id("run-status")).to_contain_text("Done")
    expect(page.get_by_test_id("confusion")).to_contain_text("GA01")
