import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import Action, record
from accounts.models import Role
from assessments.models import Patient
from tests import factories
from tests.support.queries import sorts_cases_by_name


@pytest.fixture
def caseload_world(service, reference_data):
    team = service["team_a"]
    service["maya"] = factories.case(
        team, factories.patient(given_name="Maya", family_name="Rahman", nhs_number="9434765919")
    )
    service["leo"] = factories.case(team, factories.patient(given_name="Leo", family_name="Fox"))
    service["closed"] = factories.case(
        team,
        factories.patient(given_name="Cleo", family_name="Closed"),
        closed_date=dt.date(2025, 6, 1),
        discharge_reason="completed",
    )
    service["other_team"] = factories.case(service["team_b"], factories.patient(given_name="Otto"))
    return service


def names(response) -> list[str]:
    return [case.patient.given_name for case in response.context["page"]]


def test_the_caseload_lists_open_cases_of_my_teams_only(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    assert sorted(names(client.get("/cases/"))) == ["Leo", "Maya"]


def test_the_caseload_finds_a_case_by_name(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    assert names(client.post("/cases/", {"q": "rahm"}, follow=True)) == ["Maya"]


def test_the_caseload_finds_a_case_by_nhs_number_typed_with_spaces(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    assert names(client.post("/cases/", {"q": "943 476 5919"}, follow=True)) == ["Maya"]


def test_the_search_form_posts_so_an_nhs_number_never_appears_in_a_url(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    page = client.get("/cases/").content.decode()
    assert '<form method="post" class="row g-2 align-items-end mb-3" role="search">' in page
    assert names(client.get("/cases/", {"q": "9434765919"})) == ["Leo", "Maya"]  # GET queries are ignored


def test_a_search_never_reaches_other_teams(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    assert names(client.post("/cases/", {"q": "Otto"}, follow=True)) == []


def test_a_service_manager_caseload_covers_all_teams_of_the_provider(client, caseload_world):
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=caseload_world["provider"]))
    assert sorted(names(client.get("/cases/"))) == ["Leo", "Maya", "Otto"]


def test_the_case_page_shows_patient_episode_and_contacts(client, caseload_world):
    case = caseload_world["maya"]
    factories.contact(case, caseload_world["clinician"], duration_minutes=50)
    client.force_login(caseload_world["clinician"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Maya Rahman" in page and "943 476 5919" in page
    assert "<td>50</td>" in page and "Mental health nurse" in page


def test_the_caseload_shows_the_current_grouping_and_flags_an_overdue_review(client, caseload_world):
    from groupings.models import Allocation, RulesVersion

    grouping = RulesVersion.objects.get(is_current=True).groupings.get(code="GH03")
    Allocation.objects.create(
        case=caseload_world["maya"],
        grouping=grouping,
        suggested_grouping=grouping,
        start_date=dt.date(2025, 3, 1),
        review_due=dt.date(2025, 9, 1),
        allocated_by=caseload_world["clinician"],
    )
    client.force_login(caseload_world["clinician"])
    page = client.get("/cases/").content.decode()
    assert "<td>GH03</td>" in page
    assert '<td class="overdue">01/09/2025 (overdue)</td>' in page


def test_a_case_is_found_by_its_reference_with_or_without_its_letter_and_zeros(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    leo = caseload_world["leo"]
    for typed in (leo.reference, leo.reference.lower(), str(leo.pk)):
        assert names(client.post("/cases/", {"q": typed}, follow=True)) == ["Leo"]
    assert leo.reference in client.get(f"/cases/{leo.pk}/").content.decode()


def test_search_results_are_paged_and_sorted_by_links_that_never_carry_the_search_terms(client, service):
    team = service["team_a"]
    for n in range(55):
        factories.case(
            team,
            factories.patient(given_name=f"Ann{n:02d}", family_name="Searchable"),
            referral_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
        )
    factories.case(team, factories.patient(given_name="Zed", family_name="Other"))
    client.force_login(service["clinician"])
    response = client.post("/cases/", {"q": "Searchable"})
    assert response.status_code == 302 and "Searchable" not in response.url
    first = client.get(response.url)
    assert first.context["page"].paginator.count == 55
    body = first.content.decode()
    later = re.search(r'href="\?([^"]*page=2)"', body)
    assert later, "a link to the second page of the results"
    assert "Searchable" not in later.group(1)
    second = client.get("/cases/?" + later.group(1).replace("&amp;", "&"))
    assert [case.patient.given_name for case in second.context["page"]] == [
        "Ann50",
        "Ann51",
        "Ann52",
        "Ann53",
        "Ann54",
    ]
    # Sorting the results by referral date, newest first: the link keeps the search.
    sort_link = re.search(r'href="\?([^"]*sort=referred)"', body)
    assert sort_link, "the Referred heading sorts the results"
    by_referral = sort_link.group(1).replace("&amp;", "&")
    newest = client.get("/cases/?" + by_referral.replace("sort=referred", "sort=-referred"))
    assert [case.patient.given_name for case in newest.context["page"]][:2] == ["Ann54", "Ann53"]
    assert "Zed" not in [case.patient.given_name for case in newest.context["page"]]


def test_a_search_token_from_another_session_finds_nothing_of_it(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    url = client.post("/cases/", {"q": "rahm"}).url
    client.logout()
    client.force_login(caseload_world["clinician"])
    response = client.get(url, follow=True)
    assert sorted(names(response)) == ["Leo", "Maya"]  # the whole caseload, with a message to search again
    assert "search again" in response.content.decode()


def test_the_caseload_sorts_by_team_and_says_so_to_screen_readers(client, caseload_world):
    client.force_login(factories.user(Role.SERVICE_MANAGER, provider=caseload_world["provider"]))
    response = client.get("/cases/?sort=-team")
    teams = [case.team.name for case in response.context["page"]]
    assert teams == sorted(teams, reverse=True)
    assert 'aria-sort="descending"><a href="?sort=team">Team</a>' in response.content.decode()


def test_the_kept_caseload_order_changes_at_once_with_a_new_or_discharged_case_or_a_corrected_name(
    client, caseload_world
):
    clinician, team = caseload_world["clinician"], caseload_world["team_a"]
    client.force_login(clinician)
    assert names(client.get("/cases/")) == ["Leo", "Maya"]  # Fox, Rahman
    with CaptureQueriesContext(connection) as again:
        assert names(client.get("/cases/")) == ["Leo", "Maya"]
    assert not sorts_cases_by_name(again)  # the kept order, not a new sort of every open case

    factories.case(team, factories.patient(given_name="Nia", family_name="Nash"))
    assert names(client.get("/cases/")) == ["Leo", "Nia", "Maya"]
    maya = caseload_world["maya"]
    factories.discharge(maya, clinician, on=dt.date(2025, 7, 1))
    assert names(client.get("/cases/")) == ["Leo", "Nia"]
    # Names are corrected only in the admin, which records the change.
    Patient.objects.filter(pk=caseload_world["leo"].patient_id).update(family_name="Zed")
    record(Action.ADMIN_CHANGE, by=clinician, object_type="assessments.patient", object_id="leo")
    assert names(client.get("/cases/")) == ["Nia", "Leo"]


def test_a_search_scans_the_names_once_for_its_count_and_its_page(client, caseload_world):
    client.force_login(caseload_world["clinician"])
    results = client.post("/cases/", {"q": "rahm"})["Location"]
    client.get(results)
    with CaptureQueriesContext(connection) as captured:
        assert names(client.get(results)) == ["Maya"]
    name_scans = [q for q in captured.captured_queries if "LIKE" in q["sql"] and "family_name" in q["sql"]]
    assert len(name_scans) == 1
