"""The manager dashboard's pages: filters a manager cannot widen, drill-down lists, htmx, CSV and audit."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.audit import Action, AuditEvent
from dashboards import data_quality, forms
from groupings.models import Grouping
from groupings.selectors import current_rules_version
from reports.models import UnitCost
from tests import factories
from tests.dashboards import dashboard_world
from tests.dashboards.dashboard_world import at
from tests.groupings.helpers import copy_of_current_rules_version
from tests.support.queries import sorts_cases_by_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    return dashboard_world.build()


def page(client, user, url, **headers):
    client.force_login(user)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def names(world, *numbers):
    return [world.cases[n][0].patient.full_name for n in numbers]


def test_a_team_manager_choosing_another_teams_id_is_refused_with_a_form_error(client, world):
    team_b, team_c = world.provider_teams[1], world.team_c
    for team_id in (team_b.pk, team_c.pk, 999_999, "abc"):
        body = page(client, world.team_manager, f"/dashboard/?team={team_id}")
        assert forms.OUTSIDE_TEAMS in body
        assert 'data-testid="caseload"' not in body  # no figure at all, rather than the wrong ones
        assert team_b.name not in body and team_c.name not in body


def test_a_clinician_filter_is_limited_to_those_who_work_with_the_managers_cases(client, world):
    refused = page(client, world.team_manager, f"/dashboard/?clinician={world.outsider.pk}")
    assert escape(forms.OUTSIDE_CLINICIANS) in refused and "Olu Outside" not in refused
    # c2 works in team B but saw case 1 of team A: the team manager may narrow to that case.
    allowed = page(client, world.team_manager, f"/dashboard/cases/open/?clinician={world.c2.pk}")
    assert names(world, 1)[0] in allowed
    assert all(name not in allowed for name in names(world, 2, 3, 4))


def test_a_bad_period_is_a_form_error_not_a_failure(client, world):
    for period in ("2999-01", "soon", "2025-13"):
        body = page(client, world.service_manager, f"/dashboard/?period={period}")
        assert 'data-testid="filter-errors"' in body


def test_the_drill_down_lists_only_the_managers_cases_and_records_the_read(client, world):
    body = page(client, world.team_manager, "/dashboard/cases/open/")
    for name in names(world, 1, 2, 3):
        assert name in body
    for name in [*names(world, 4, 5), world.other_provider_case.patient.full_name]:
        assert name not in body
    assert f"/cases/{world.cases[1][0].pk}/" in body
    event = AuditEvent.objects.get(action=Action.VIEW_CASELOAD, user=world.team_manager)
    assert (event.object_type, event.object_id) == ("reports.case_set", "open")


def test_the_drill_down_refuses_another_teams_filter_and_lists_nothing(client, world):
    body = page(client, world.team_manager, f"/dashboard/cases/open/?team={world.provider_teams[1].pk}")
    assert forms.OUTSIDE_TEAMS in body
    assert names(world, 4)[0] not in body and names(world, 1)[0] not in body


def test_an_unknown_list_or_table_is_not_found(client, world):
    client.force_login(world.service_manager)
    assert client.get("/dashboard/cases/everyone/").status_code == 404
    assert client.get("/dashboard/secrets.csv").status_code == 404


def test_a_service_manager_drills_from_the_provider_to_a_team(client, world):
    team_a = world.provider_teams[0]
    body = page(client, world.service_manager, "/dashboard/?period=2025-05")
    # The waiting-time table links each team, keeping the other filters.
    assert f'href="/dashboard/?period=2025-05&amp;team={team_a.pk}"' in body
    narrowed = page(client, world.service_manager, f"/dashboard/?team={team_a.pk}")
    assert "Showing Team A" in narrowed


def test_htmx_gets_the_panels_alone_and_a_plain_get_the_whole_page(client, world):
    full = page(client, world.service_manager, "/dashboard/?period=6m")
    assert "<html" in full and 'hx-get="/dashboard/"' in full and 'id="dashboard-panels"' in full
    assert '"includeIndicatorStyles":false' in full
    partial = page(client, world.service_manager, "/dashboard/?period=6m", HX_Request="true")
    assert "<html" not in partial and 'data-testid="caseload"' in partial
    restored = page(
        client, world.service_manager, "/dashboard/", HX_Request="true", HX_History_Restore_Request="true"
    )
    assert "<html" in restored
    response = client.get("/dashboard/")
    assert "HX-Request" in response["Vary"]


def test_a_csv_download_has_the_panels_table_neutralised_and_is_recorded(client, world):
    world.c2.first_name = "=cmd"
    world.c2.save()
    client.force_login(world.service_manager)
    response = client.get("/dashboard/caseload.csv?period=12m")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-caseload-12m.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == "Clinician,Open episodes"
    assert "'=cmd Two,2" in lines and "Not yet seen,1" in lines
    event = AuditEvent.objects.get(action=Action.EXPORT_REPORT, user=world.service_manager)
    assert (event.object_type, event.object_id) == ("reports.dashboard", "caseload")


def test_a_csv_with_a_refused_filter_says_why(client, world):
    client.force_login(world.team_manager)
    response = client.get(f"/dashboard/caseload.csv?team={world.team_c.pk}")
    assert response.status_code == 400
    assert forms.OUTSIDE_TEAMS in response.content.decode()


def test_a_missing_unit_cost_shows_a_message_and_the_rest_of_the_page(client, world):
    factories.contact(world.cases[1][0], world.c1, starts_at=at(timezone.localdate()))
    UnitCost.objects.filter(profession=world.c1.profession).delete()
    body = page(client, world.service_manager, "/dashboard/")
    assert 'data-testid="cost-problem"' in body and "no unit cost in force" in body
    assert 'data-testid="caseload"' in body


def test_managers_find_the_dashboard_in_the_navigation_and_clinicians_do_not(client, world):
    assert 'href="/dashboard/"' in page(client, world.team_manager, "/reports/")
    assert 'href="/dashboard/"' not in page(client, world.c1, "/cases/")
    client.force_login(world.c1)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/cases/open/").status_code == 403


def test_the_data_quality_tab_shows_each_teams_checks_with_links_to_the_cases_behind_them(client, world):
    team_a, team_b = world.provider_teams
    body = page(client, world.service_manager, "/dashboard/data-quality/?period=12m")
    assert 'data-testid="data-quality-panel"' in body
    assert team_a.name in body and team_b.name in body and world.team_c.name not in body
    # A failing count links to the drill-down list of its check, narrowed to that team and the page's filters.
    links = re.findall(r'href="(/dashboard/cases/quality-[-a-z]+/\?[^"]*)"', body)
    assert links, "failing counts link to their cases"
    assert all("period=12m" in link for link in links)
    assert any(f"team={team_a.pk}" in link for link in links)
    assert not any(f"team={world.team_c.pk}" in link for link in links)
    # The tab is one of the dashboard's pages: the filters carry over between them.
    assert 'href="/dashboard/?period=12m"' in body


def test_a_team_manager_sees_only_their_teams_data_quality(client, world):
    team_a, team_b = world.provider_teams
    body = page(client, world.team_manager, "/dashboard/data-quality/")
    assert team_a.name in body and team_b.name not in body and world.team_c.name not in body
    refused = page(client, world.team_manager, f"/dashboard/data-quality/?team={team_b.pk}")
    assert forms.OUTSIDE_TEAMS in refused and 'data-testid="data-quality-panel"' not in refused


def test_an_htmx_request_of_the_data_quality_tab_gets_its_panels_alone(client, world):
    body = page(client, world.service_manager, "/dashboard/data-quality/", HX_Request="true")
    assert 'data-testid="data-quality-panel"' in body and "<html" not in body


def test_a_kept_drill_down_list_changes_with_the_first_change_to_what_it_selects(client, world):
    first = page(client, world.team_manager, "/dashboard/cases/open/")
    assert all(name in first for name in names(world, 1, 2, 3))
    with CaptureQueriesContext(connection) as again:
        page(client, world.team_manager, "/dashboard/cases/open/?page=1")
    assert not sorts_cases_by_name(again)

    case = world.cases[1][0]
    factories.discharge(case, world.team_manager)
    after = page(client, world.team_manager, "/dashboard/cases/open/")
    assert names(world, 1)[0] not in after and all(name in after for name in names(world, 2, 3))


def grouping_options(html: str) -> list[str]:
    select = re.search(r'<select[^>]* name="grouping".*?</select>', html, re.S)
    assert select is not None
    return [
        label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group())
        if value
    ]


def test_the_grouping_filter_lists_the_current_rules_versions_groupings_by_code_and_name(client, world):
    other = copy_of_current_rules_version("CAMHS-NBG v9 (test)")
    Grouping.objects.filter(rules_version=other, code="GH03").update(name="Renamed in v9")
    current = current_rules_version()
    html = page(client, world.service_manager, "/dashboard/")
    expected = [f"{g.code} {escape(g.name)}" for g in current.groupings.order_by("code")]
    assert grouping_options(html) == expected
    assert "Renamed in v9" not in html
    assert f'<option value="{current.pk}" selected>{current.label} (current)</option>' in html


def test_choosing_another_rules_version_lists_its_groupings_and_keeps_them_after_htmx(client, world):
    other = copy_of_current_rules_version("CAMHS-NBG v9 (test)")
    Grouping.objects.filter(rules_version=other, code="GH03").update(name="Renamed in v9")
    gh03 = dashboard_world.grouping("GH03")  # of the current version: another version's choice drops it
    url = f"/dashboard/?rules_version={other.pk}&grouping={gh03.pk}"
    for html in (
        page(client, world.service_manager, url),
        page(client, world.service_manager, url, HX_Request="true"),
    ):
        options = grouping_options(html)
        assert "GH03 Renamed in v9" in options
        assert options == [f"{g.code} {escape(g.name)}" for g in other.groupings.order_by("code")]
    linked = page(client, world.service_manager, f"/dashboard/?grouping={gh03.pk}")
    assert re.search(rf'<option value="{gh03.pk}" selected>GH03 ', linked)  # a link naming a grouping alone


def test_a_data_quality_cell_says_how_many_fail_and_what_share_passes(client, world):
    body = page(client, world.service_manager, "/dashboard/data-quality/?period=12m")
    panel = body[body.index('data-testid="data-quality-panel"') : body.index("</table>")]
    cells = re.findall(r"([\d.]+)% pass\s*<br><a [^>]*>(\d+) of (\d+) ([a-z ]+) fail</a>", panel)
    assert cells, "each failing count says what fails"
    for percent, failing, population, of_what in cells:
        assert of_what in {check.population_label for check in data_quality.CHECKS}
        assert float(percent) == pytest.approx(
            100 * (int(population) - int(failing)) / int(population), abs=0.05
        )
