"""A saved Current View can be read again: its 50 ratings as recorded, who completed it, when and why,
beside the suggestion, with a Print button and a print layout."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from groupings import services
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


def rows(page: str) -> dict[str, str]:
    """Item id -> the rating cell's words, from the page's read-back tables."""
    return dict(re.findall(r'<tr data-item="(\w+)">.*?<td class="cv-answer[^"]*">([^<]+)</td>', page, re.S))


@pytest.fixture
def recorded(service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    practitioner = factories.user(
        Role.CLINICIAN, teams=(service["team_a"],), first_name="Priya", last_name="Shah"
    )
    current_view, _ = services.record_and_suggest(
        by=service["clinician"],
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="changed_situation",
        practitioner=practitioner,
        ratings=ratings(p09=2, p10=None, c31=1, c33=None, x45=None, e49=3),
    )
    return case, current_view


def test_the_page_shows_every_rating_as_recorded_with_not_known_said(client, service, recorded):
    case, current_view = recorded
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/{current_view.pk}/").content.decode()
    answers = rows(page)
    assert len(answers) == 50
    assert answers["p09"] == "Moderate" and answers["e49"] == "Severe" and answers["p01"] == "None"
    assert answers["c31"] == "Yes" and answers["c32"] == "No"
    assert {item for item, words in answers.items() if words == "Not known"} == {"p10", "c33", "x45"}
    titles = re.findall(r"<caption[^>]*>([^<]+)", page)
    assert [title.strip() for title in titles] == [
        "Provisional problem descriptions",
        "Selected complexity factors",
        "Contextual problems",
        "Education, employment or training",
    ]
    assert page.count("· 1 Not known") == 3


def test_the_page_says_who_completed_it_when_and_why_beside_the_suggestion(client, service, recorded):
    case, current_view = recorded
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/{current_view.pk}/").content.decode()
    record = page.split('data-testid="current-view-record"')[1]
    assert 'Date completed</dt><dd class="col-sm-8">03/02/2025' in record
    assert "Changed situation" in record
    assert "Priya Shah" in record
    recorded_at = timezone.localtime(current_view.recorded_at).strftime("%d/%m/%Y %H:%M")
    assert f"{service['clinician'].display_name}, {recorded_at}" in record
    assert 'data-testid="suggested-grouping"' in page and "Getting Help" in page


def test_the_page_offers_a_print_button_and_a_print_layout(client, service, recorded):
    case, current_view = recorded
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/{current_view.pk}/").content.decode()
    assert '<script src="/static/js/print.js" defer></script>' in page
    assert "data-print hidden>Print</button>" in page  # shown by the script
    assert client.get("/static/js/print.js").status_code == 200
    css = b"".join(client.get("/static/css/app.css").streaming_content).decode()
    assert "@media print" in css
