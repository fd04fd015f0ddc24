import datetime as dt
import re

import pytest

from accounts.models import Role
from assessments.current_view_items import ITEMS
from assessments.models import CurrentView
from groupings.models import Allocation, Suggestion
from tests import factories
from tests.support.forms import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def form_data(service, **items) -> dict:
    data = {"completed_on": "2025-02-03", "reason": "first_contact", "practitioner": service["clinician"].pk}
    data.update({item.id: "0" for item in ITEMS})
    data.update(items)
    return keyed(data)


def test_the_form_shows_all_fifty_items_with_nothing_pre_filled(client, service, case):
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/new/").content.decode()
    assert page.count('type="radio"') == 36 * 5 + 14 * 3
    assert " checked" not in page
    assert "Not known" in page and "Moderate" in page and "Looked after child" in page


def test_an_unanswered_item_re_renders_with_its_message_and_saves_nothing(client, service, case):
    client.force_login(service["clinician"])
    data = form_data(service, p09="2")
    del data["p14"]
    response = client.post(f"/cases/{case.pk}/current-views/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rate “Difficulties sitting still or concentrating”" in page
    assert re.search(r'value="2" id="id_p09_2"\s+aria-label="Depression/low mood: Moderate" checked', page)
    assert not CurrentView.objects.exists() and not Suggestion.objects.exists()


def test_a_current_view_before_the_referral_is_refused(client, service, case):
    client.force_login(service["clinician"])
    response = client.post(
        f"/cases/{case.pk}/current-views/new/", form_data(service, completed_on="2024-12-01")
    )
    assert "is before the referral date" in response.content.decode()
    assert not CurrentView.objects.exists()


def test_saving_shows_the_suggestion_with_its_rule_in_plain_words_and_flags(client, service, case):
    client.force_login(service["clinician"])
    response = client.post(
        f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2", p10="3", e49="2"), follow=True
    )
    page = response.content.decode()
    assert "Getting Help: Self-harm" in page and "R07" in page
    assert "School attendance difficulties" in page and "Risk: consider risk support" in page
    assert not Allocation.objects.exists()


def test_not_enough_information_is_said_and_no_grouping_is_pre_selected(client, service, case):
    client.force_login(service["clinician"])
    unknown = {f"p{n:02d}": "nk" for n in range(1, 11)}
    page = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, **unknown), follow=True)
    page = page.content.decode()
    assert "No suggestion: not enough information" in page
    assert 'name="accept"' not in page
    assert re.search(r'<option value="\d+" selected>', page) is None


def test_one_click_allocates_the_suggestion_and_the_case_page_shows_it(client, service, case):
    client.force_login(service["clinician"])
    response = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2"))
    suggestion = Suggestion.objects.get()
    response = client.post(response.url, keyed({"grouping": suggestion.grouping_id}), follow=True)
    page = response.content.decode()
    allocation = Allocation.objects.get()
    assert allocation.grouping.code == "GH03" and allocation.allocated_by == service["clinician"]
    assert "Getting Help: Depression</strong> since" in page
    assert f"Review due {allocation.review_due:%d/%m/%Y}" in page


def test_choosing_another_grouping_without_a_reason_re_renders_with_messages(client, service, case):
    client.force_login(service["clinician"])
    url = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url
    other = Suggestion.objects.get().rules_version.groupings.get(code="GH11")
    page = client.post(
        url, keyed({"grouping": other.pk, "reason_category": "", "reason_text": ""})
    ).content.decode()
    assert "Choose why a different grouping fits better." in page and "Say in a few words why." in page
    assert not Allocation.objects.exists()


def test_an_overdue_review_is_highlighted_on_the_case_page(client, service, case):
    client.force_login(service["clinician"])
    url = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url
    client.post(url, keyed({"grouping": Suggestion.objects.get().grouping_id}))
    Allocation.objects.update(review_due=dt.date(2025, 3, 1))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="overdue">Review due 01/03/2025 (overdue)' in page


def test_current_view_pages_of_another_team_answer_404(client, service, case):
    client.force_login(service["clinician"])
    url = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url
    outsider = factories.user(Role.CLINICIAN, teams=(service["team_b"],))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/cases/{case.pk}/current-views/new/").status_code == 404


def test_a_current_view_saved_under_an_earlier_rules_version_opens_with_the_current_versions_suggestion(
    client, service, case
):
    from groupings.models import RulesVersion
    from tests.groupings.helpers import copy_of_current_rules_version

    client.force_login(service["clinician"])
    url = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url
    v2 = copy_of_current_rules_version("CAMHS-NBG v2 (test)", high_at_least=3)
    RulesVersion.objects.update(is_current=False)
    RulesVersion.objects.filter(pk=v2.pk).update(is_current=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "rules version CAMHS-NBG v2 (test)" in page.content.decode()
    suggested = page.context["suggestion"].grouping
    assert suggested.code == "GA01"  # Moderate is not "high" under v2
    assert not Suggestion.objects.filter(rules_version=v2).exists()  # reading the page stores nothing
    client.post(url, keyed({"grouping": suggested.pk}))
    assert Allocation.objects.get().grouping.rules_version == v2
    assert Suggestion.objects.get(rules_version=v2).grouping == suggested


def test_opening_a_current_view_page_writes_nothing_but_its_audit_event(client, service, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupings.models import RulesVersion
    from tests.groupings.helpers import copy_of_current_rules_version

    client.force_login(service["clinician"])
    url = client.post(f"/cases/{case.pk}/current-views/new/", form_data(service, p09="2")).url
    v2 = copy_of_current_rules_version("CAMHS-NBG v2 (test)")
    RulesVersion.objects.update(is_current=False)
    RulesVersion.objects.filter(pk=v2.pk).update(is_current=True)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    writes = [sql for sql in writes if "django_session" not in sql]  # the session row is the idle clock
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "accounts_auditevent"')
