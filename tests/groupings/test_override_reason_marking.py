"""The reason for a different grouping is marked as required in the state where it is (SPEC §4)."""

import datetime as dt
import re

import pytest

from groupings.forms import REQUIRED_WHEN_DIFFERENT
from groupings.models import Suggestion
from tests import factories
from tests.groupings.test_current_view_pages import form_data

pytestmark = pytest.mark.django_db


def reason_fields(page: str) -> list[str]:
    return re.findall(r'<(?:select|textarea)[^>]*name="reason_(?:category|text)"[^>]*>', page)


@pytest.fixture
def detail_url(client, service):
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    client.force_login(service["clinician"])
    return client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url


def test_the_reason_fields_say_when_they_are_required(client, detail_url):
    page = client.get(detail_url).content.decode()
    assert page.count(REQUIRED_WHEN_DIFFERENT) == 2
    fields = reason_fields(page)
    assert len(fields) == 2
    # The suggestion is chosen: no reason needed, but the page knows which grouping would need one.
    suggested = Suggestion.objects.get().grouping_id
    for field in fields:
        assert 'aria-required="false"' in field
        assert (
            f'data-required-unless-value="{suggested}"' in field
            and 'data-required-unless-field="id_grouping"' in field
        )


def test_a_different_grouping_makes_the_reason_required_and_the_summary_links_to_both(client, detail_url):
    other = Suggestion.objects.get().rules_version.groupings.get(code="GH11")
    page = client.post(detail_url, {"grouping": other.pk, "reason_category": "", "reason_text": ""})
    page = page.content.decode()
    assert all('aria-required="true"' in field for field in reason_fields(page))
    assert '<a href="#id_reason_category">' in page and '<a href="#id_reason_text">' in page
