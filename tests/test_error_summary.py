"""Every form page shows one summary of what to correct at the top, each error linking to its field."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The caseload's search box is not a form page: its one possible error shows beside it.
NOT_FORM_PAGES = {"assessments/caseload.html"}


def form_pages() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "crispy_forms_tags" in path.read_text() and str(path.relative_to(TEMPLATES)) not in NOT_FORM_PAGES
    )


def test_every_form_page_includes_the_error_summary():
    pages = form_pages()
    assert "assessments/measure_form.html" in pages and "registration/login.html" in pages
    assert [
        page for page in pages if '{% include "_error_summary.html"' not in (TEMPLATES / page).read_text()
    ] == []


def summary(page: str) -> str:
    found = re.findall(r'<div class="alert alert-danger error-summary" role="alert".*?</div>', page, re.S)
    assert len(found) == 1, "one error summary"
    return found[0]


@pytest.mark.django_db
def test_a_refused_form_lists_each_error_once_at_the_top_linking_to_its_field(client, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    client.force_login(service["clinician"])
    page = client.post(f"/cases/{case.pk}/contacts/new/", {"duration_minutes": "0"}).content.decode()
    block = summary(page)
    assert "There is a problem" in block
    assert '<a href="#id_starts_at">' in block and '<a href="#id_duration_minutes">' in block
    assert page.index("error-summary") < page.index('<form method="post" novalidate>')


@pytest.mark.django_db
def test_a_radio_table_error_links_to_the_first_answer_of_its_row(client, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    client.force_login(service["clinician"])
    page = client.post(
        f"/cases/{case.pk}/current-views/new/", {"completed_on": "2025-02-03"}
    ).content.decode()
    block = summary(page)
    assert '<a href="#id_p10_0">Self-harm: Rate “Self-harm”' in block
    assert 'id="id_p10_0"' in page


@pytest.mark.django_db
def test_an_error_of_the_whole_form_is_said_once_in_the_summary(client, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    client.force_login(service["clinician"])
    page = client.post(
        f"/cases/{case.pk}/measures/rcads/self/new/", {"completed_on": "2025-02-03"}
    ).content.decode()
    assert "No item is answered: nothing to save." in summary(page)
    assert page.count("No item is answered: nothing to save.") == 1
