"""Who sees which case: the one rule (Case.objects.visible_to) for every role, and what views do with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from assessments.models import Case, Patient
from tests import factories


@pytest.fixture
def world(db):
    north, south = factories.provider(), factories.provider()
    n1, n2, s1 = factories.team(north), factories.team(north), factories.team(south)
    icb = factories.commissioner()
    cases = {
        "n1": factories.case(n1, commissioner=icb),
        "n2": factories.case(n2, commissioner=icb),
        "s1": factories.case(s1, commissioner=icb),
    }
    return {"north": north, "south": south, "n1": n1, "n2": n2, "s1": s1, "icb": icb, "cases": cases}


def visible(user, world) -> set[str]:
    seen = set(Case.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, case in world["cases"].items() if case.pk in seen}


def test_a_clinician_sees_only_the_cases_of_their_team(world):
    assert visible(factories.user(Role.CLINICIAN, teams=(world["n1"],)), world) == {"n1"}


def test_a_clinician_in_two_teams_sees_both_teams_cases(world):
    assert visible(factories.user(Role.CLINICIAN, teams=(world["n1"], world["s1"])), world) == {"n1", "s1"}


def test_a_clinician_in_no_team_sees_nothing(world):
    assert visible(factories.user(Role.CLINICIAN), world) == set()


def test_a_team_manager_sees_the_cases_of_the_teams_they_manage(world):
    assert visible(factories.user(Role.TEAM_MANAGER, teams=(world["n2"],)), world) == {"n2"}


def test_a_service_manager_sees_every_team_of_their_provider_only(world):
    assert visible(factories.user(Role.SERVICE_MANAGER, provider=world["north"]), world) == {"n1", "n2"}


def test_a_commissioner_user_sees_no_case(world):
    assert visible(factories.user(Role.COMMISSIONER, commissioner=world["icb"]), world) == set()


def test_an_administrator_sees_no_case_record(world):
    assert visible(factories.user(Role.ADMINISTRATOR, is_staff=True), world) == set()


def test_an_inactive_user_sees_nothing(world):
    assert visible(factories.user(Role.CLINICIAN, teams=(world["n1"],), is_active=False), world) == set()


def test_an_anonymous_visitor_sees_nothing(world):
    assert visible(AnonymousUser(), world) == set()


def test_patients_are_visible_through_their_cases_only(world):
    clinician = factories.user(Role.CLINICIAN, teams=(world["n1"],))
    assert set(Patient.objects.visible_to(clinician)) == {world["cases"]["n1"].patient}


def test_a_patient_registered_but_not_yet_referred_is_visible_to_whoever_registered_them(world):
    clinician = factories.user(Role.CLINICIAN, teams=(world["n1"],))
    mine = factories.patient(registered_by=clinician, provider=world["n1"].provider)
    other = factories.user(Role.CLINICIAN, teams=(world["n1"],))
    assert mine in Patient.objects.visible_to(clinician)
    assert mine not in Patient.objects.visible_to(other)


@pytest.mark.django_db
class TestPages:
    def test_a_case_of_another_team_answers_404(self, client, world):
        client.force_login(factories.user(Role.CLINICIAN, teams=(world["n1"],)))
        assert client.get(f"/cases/{world['cases']['n1'].pk}/").status_code == 200
        assert client.get(f"/cases/{world['cases']['s1'].pk}/").status_code == 404
        assert client.get(f"/cases/{world['cases']['s1'].pk}/contacts/new/").status_code == 404
        assert client.post(f"/cases/{world['cases']['s1'].pk}/discharge/", {}).status_code == 404

    def test_a_referral_for_a_patient_outside_scope_answers_404(self, client, world):
        client.force_login(factories.user(Role.CLINICIAN, teams=(world["n1"],)))
        assert client.get(f"/patients/{world['cases']['s1'].patient.pk}/referrals/new/").status_code == 404

    @pytest.mark.parametrize(
        "url",
        ["/cases/", "/patients/new/", "/cases/{pk}/", "/cases/{pk}/contacts/new/", "/cases/{pk}/discharge/"],
    )
    def test_a_commissioner_user_reaches_no_case_level_page(self, client, world, url):
        client.force_login(factories.user(Role.COMMISSIONER, commissioner=world["icb"]))
        response = client.get(url.format(pk=world["cases"]["n1"].pk))
        assert response.status_code == 403

    def test_a_commissioner_lands_on_reports_not_the_caseload(self, client, world):
        client.force_login(factories.user(Role.COMMISSIONER, commissioner=world["icb"]))
        assert client.get("/").url == "/reports/"

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, world):
        response = client.get(f"/cases/{world['cases']['n1'].pk}/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
