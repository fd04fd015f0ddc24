"""A refused page says why in its own terms: whom the page is for and the role the user is signed in with."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db


def refusal(response) -> str:
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    return response.text


def test_a_commissioner_is_told_case_records_are_for_clinical_staff_of_the_team(client, service):
    case = factories.case(service["team_a"])
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=service["commissioner"]))
    for url in (reverse("assessments:case_detail", args=[case.pk]), reverse("assessments:caseload")):
        text = refusal(client.get(url))
        assert "Case records (the caseload, a case and its forms) are for clinical staff" in text
        assert "case&#x27;s team" in text
        assert "You are signed in as a commissioner." in text


def test_a_clinician_is_told_re_grouping_is_for_managers_not_that_it_is_case_level(client, service):
    client.force_login(service["clinician"])
    text = refusal(client.get(reverse("groupings:regrouping")))
    assert "This page is for team and service managers" in text
    assert "You are signed in as a clinician." in text
    assert "Case" not in text.split("<main")[1]


def test_a_clinician_is_told_reports_are_for_commissioners_and_managers(client, service):
    client.force_login(service["clinician"])
    text = refusal(client.get(reverse("reports:index")))
    assert "Reports are for commissioners and for team and service managers." in text
    assert "Case records" not in text


def test_an_administrator_is_told_in_the_role_s_own_words(client, service):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR))
    text = refusal(client.get(reverse("groupings:regrouping")))
    assert "You are signed in as an administrator." in text
