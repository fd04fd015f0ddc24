"""Date boxes show dates as the browser's date input reads them, and new forms start on today."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from assessments.forms import DateInput
from assessments.models import MeasureResponse
from assessments.scoring import Answers
from tests import factories
from tests.support.form_values import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


@pytest.fixture
def sdq(service, case):
    return services.record_measure(
        by=service["clinician"],
        case=case,
        measure="sdq",
        informant="parent",
        completed_on=dt.date(2025, 2, 3),
        answers=Answers(items={n: 1 for n in range(1, 26)} | {4: None}),
    )


def test_the_correction_page_shows_the_stored_date_in_iso_for_the_date_box(client, service, case, sdq):
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/measures/{sdq.pk}/correct/").content.decode()
    assert form_values(page)["completed_on"] == "2025-02-03"


def test_posting_the_unchanged_correction_page_is_accepted_and_keeps_the_date(client, service, case, sdq):
    client.force_login(service["clinician"])
    url = f"/cases/{case.pk}/measures/{sdq.pk}/correct/"
    response = client.post(url, form_values(client.get(url).content.decode()))
    assert response.status_code == 302
    stored = MeasureResponse.objects.get(pk=sdq.pk)
    assert stored.completed_on == dt.date(2025, 2, 3)
    assert stored.typed_answers().items == sdq.typed_answers().items  # item 4 still unanswered


@pytest.mark.parametrize(
    "path", ["measures/sdq/parent/new/", "measures/honosca/clinician/new/", "current-views/new/"]
)
def test_a_new_measure_or_current_view_starts_on_todays_date(client, service, case, path):
    client.force_login(service["clinician"])
    page = client.get(f"/cases/{case.pk}/{path}").content.decode()
    assert form_values(page)["completed_on"] == timezone.localdate().isoformat()


def test_every_date_box_of_the_app_shows_a_date_as_yyyy_mm_dd_whatever_the_locale():
    html = DateInput().render("referral_date", dt.date(2025, 2, 3))
    assert 'type="date"' in html and 'value="2025-02-03"' in html
