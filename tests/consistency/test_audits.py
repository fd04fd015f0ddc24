"""Second-rater audits: sampling, choosing second raters, the blind rating, and what it never touches."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.audit import Action, AuditEvent
from assessments.models import CurrentView
from camhs_pbr.runs.models import RunStatus
from consistency import services
from consistency.models import AuditRating
from groupings.models import Allocation, Grouping, Suggestion
from groupings.selectors import current_rules_version
from tests.consistency.helpers import assign_all, compute_agreement_runs, rate, sampled_audit, world
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


def test_an_audit_samples_the_periods_allocations_with_its_seed(service):
    w = world(service, cases=6)
    audit = sampled_audit(w, size=4, seed=3)
    assert audit.status == RunStatus.DONE and audit.candidates == 6 and audit.is_open
    again = sampled_audit(w, size=4, seed=3)  # the first is done: a new run, the same sample
    assert sorted(audit.cases.values_list("allocation", flat=True)) == sorted(
        again.cases.values_list("allocation", flat=True)
    )
    assert AuditEvent.objects.filter(action=Action.REQUEST_RATER_AUDIT, object_id=str(audit.pk)).exists()


def test_an_audit_with_no_allocation_in_its_period_fails_with_the_reason(service):
    w = world(service, cases=0)
    audit = sampled_audit(w)
    assert audit.status == RunStatus.FAILED and "No allocation to audit" in audit.error


def test_the_clinician_who_allocated_cannot_be_the_second_rater(service):
    w = world(service, cases=1)
    audit = sampled_audit(w)
    with pytest.raises(services.AuditRefused, match="cannot be the clinician who made the allocation"):
        assign_all(w, audit, rater=w.first)
    assert audit.cases.get().auditor is None


def test_a_clinician_outside_the_managers_teams_cannot_be_the_second_rater(service):
    w = world(service, cases=1)
    audit = sampled_audit(w)
    with pytest.raises(services.AuditRefused, match="active clinician of a team in your scope"):
        assign_all(w, audit, rater=w.elsewhere)


def test_the_second_rating_is_stored_apart_and_never_touches_the_case(service):
    w = world(service, cases=2)
    audit = sampled_audit(w)
    audit_cases = assign_all(w, audit)
    before = (
        list(Allocation.objects.order_by("pk").values()),
        list(Suggestion.objects.order_by("pk").values()),
        list(CurrentView.objects.order_by("pk").values()),
    )
    rating = rate(w, audit_cases[0], grouping="GA01", p09=1)
    after = (
        list(Allocation.objects.order_by("pk").values()),
        list(Suggestion.objects.order_by("pk").values()),
        list(CurrentView.objects.order_by("pk").values()),
    )
    assert before == after
    assert rating.grouping.code == "GA01" and rating.p09 == 1 and rating.rule
    assert AuditEvent.objects.filter(
        action=Action.RECORD_AUDIT_RATING, case_id=audit_cases[0].case_id
    ).exists()


def test_a_case_is_rated_once(service):
    w = world(service, cases=1)
    audit_case = assign_all(w, sampled_audit(w))[0]
    rate(w, audit_case)
    with pytest.raises(services.AuditRefused, match="rated for the audit already"):
        rate(w, audit_case)
    assert AuditRating.objects.count() == 1


def test_a_closed_audit_takes_no_more_ratings(service):
    w = world(service, cases=1)
    audit = sampled_audit(w)
    audit_case = assign_all(w, audit)[0]
    services.close_audit(by=w.manager, audit=audit)
    with pytest.raises(services.AuditRefused, match="closed"):
        rate(w, audit_case)


# The blind page and the scoping rule, through HTTP.


def test_the_blind_form_holds_neither_the_first_rating_nor_the_allocation_nor_the_suggestion(client, service):
    from groupings.selectors import explanation

    w = world(service, cases=1)
    audit_case = assign_all(w, sampled_audit(w))[0]
    allocation = audit_case.allocation
    client.force_login(w.second)
    response = client.get(reverse("consistency:rate_audit_case", args=[audit_case.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="p09"' in html
    assert " checked" not in html  # no item carries the first rating
    assert "selected" not in html.split('name="grouping"')[1].split("</select>")[0].replace(
        '<option value="" selected>', ""
    )  # no grouping pre-chosen
    assert allocation.suggestion.rule not in html  # type: ignore[union-attr]  # the rule that fired
    assert explanation(allocation.suggestion) not in html
    assert w.first.display_name not in html  # who allocated and rated first
    assert f"{allocation.start_date:%d/%m/%Y}" not in html  # when it was allocated


def test_after_submitting_the_second_rater_sees_both_ratings(client, service):
    w = world(service, cases=1)
    audit_case = assign_all(w, sampled_audit(w))[0]
    client.force_login(w.second)
    data = {item: "0" for item in ratings()} | {
        "p09": "1",
        "grouping": str(Grouping.objects.get(rules_version=current_rules_version(), code="GA01").pk),
    }
    response = client.post(reverse("consistency:rate_audit_case", args=[audit_case.pk]), data)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "First rating" in page and audit_case.allocation.suggestion.rule in page  # type: ignore[union-attr]
    assert "Depression/low mood" in page and "table-warning" in page


def test_an_auditor_sees_only_the_cases_assigned_to_them_while_the_audit_is_open(client, service):
    w = world(service, cases=2)
    audit = sampled_audit(w)
    audit_cases = list(audit.cases.all())
    services.assign_second_raters(by=w.manager, audit=audit, choices={audit_cases[0].pk: w.second})
    client.force_login(w.second)
    mine = reverse("consistency:rate_audit_case", args=[audit_cases[0].pk])
    not_mine = reverse("consistency:rate_audit_case", args=[audit_cases[1].pk])
    assert client.get(mine).status_code == 200
    assert client.get(not_mine).status_code == 404
    listed = client.get(reverse("consistency:my_audit_cases")).content.decode()
    assert audit_cases[0].case.reference in listed and audit_cases[1].case.reference not in listed
    services.close_audit(by=w.manager, audit=audit)
    assert client.get(mine).status_code == 404
    assert (
        audit_cases[0].case.reference
        not in client.get(reverse("consistency:my_audit_cases")).content.decode()
    )


def test_an_auditor_of_another_team_does_not_gain_the_case_record(client, service):
    from accounts.models import Role
    from tests import factories

    w = world(service, cases=1)
    audit = sampled_audit(w)
    # a team manager of both teams asks a clinician of team B
    manager = factories.user(Role.TEAM_MANAGER, teams=(w.team_a, w.team_b))
    audit.requested_by = manager
    audit.save()
    audit_case = audit.cases.get()
    services.assign_second_raters(by=manager, audit=audit, choices={audit_case.pk: w.elsewhere})
    client.force_login(w.elsewhere)
    assert client.get(reverse("consistency:rate_audit_case", args=[audit_case.pk])).status_code == 200
    assert client.get(reverse("assessments:case_detail", args=[audit_case.case_id])).status_code == 404


def test_another_manager_cannot_open_the_audit(client, service):
    from accounts.models import Role
    from tests import factories

    w = world(service, cases=1)
    audit = sampled_audit(w)
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(w.team_b,)))
    assert client.get(reverse("consistency:audit", args=[audit.pk])).status_code == 404
    assert client.get(reverse("consistency:audit_agreement", args=[audit.pk])).status_code == 404


def test_the_manager_reads_the_agreement(client, service):
    w = world(service, cases=3)
    audit = sampled_audit(w)
    audit_cases = assign_all(w, audit)
    rate(w, audit_cases[0], grouping="GH03", p09=2)
    rate(w, audit_cases[1], grouping="GA01", p09=1)
    assert compute_agreement_runs() == 1  # the ratings queued the audit's figures for its manager
    client.force_login(w.manager)
    page = client.get(reverse("consistency:audit_agreement", args=[audit.pk])).content.decode()
    assert "50%" in page and "Depression/low mood" in page
    assert 'data-testid="confusion"' in page
    # The confusion matrix drawn too (a heat map on the server), with its table one click away.
    chart = page[page.index('data-testid="chart-confusion"') : page.index("</figure>")]
    assert 'role="img"' in chart and "<script" not in chart.lower()
    assert "heat map of 2 pairs over 2 categories; 1 on the diagonal" in chart
    assert 'href="#confusion-table"' in chart and 'id="confusion-table"' in page
    assert "Not calculated yet" in client.get(reverse("consistency:agreement")).content.decode()
    assert client.post(reverse("consistency:agreement")).status_code == 302  # Calculate
    compute_agreement_runs()
    overall = client.get(reverse("consistency:agreement")).content.decode()
    assert "50%" in overall


def test_start_audit_page_starts_a_sampling_run(client, service):
    w = world(service, cases=2)
    client.force_login(w.manager)
    response = client.post(
        reverse("consistency:audits"),
        {
            "team": w.team_a.pk,
            "period_from": "2025-03-01",
            "period_to": "2025-03-31",
            "size": "5",
            "method": "stratified",
            "seed": "9",
        },
    )
    assert response.status_code == 302
    audit = services.Audit.objects.get()
    assert (audit.seed, audit.method, audit.period_from) == (9, "stratified", dt.date(2025, 3, 1))


def test_the_audit_page_reads_a_fixed_number_of_queries_whatever_its_size(client, service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world(service, cases=6)
    small, large = sampled_audit(w, size=2, seed=1), sampled_audit(w, size=6, seed=2)
    client.force_login(w.manager)
    client.get(reverse("consistency:audits"))  # the session's first page looks up what the menu offers
    counts = []
    for audit in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("consistency:audit", args=[audit.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_service_manager_audits_every_team_stratified_by_team_and_grouping(service):
    from accounts.models import Role
    from consistency.tasks import sample_audit
    from tests import factories
    from tests.consistency.helpers import allocated_case

    w = world(service, cases=4)  # team A, GH03
    for _ in range(4):
        allocated_case(w.team_b, w.elsewhere, p20=3, p29=2)  # team B, GMH01
    manager = factories.user(Role.SERVICE_MANAGER, provider=w.team_a.provider)
    audit = services.start_audit(
        by=manager,
        team=None,
        period_from=dt.date(2025, 3, 1),
        period_to=dt.date(2025, 3, 31),
        size=4,
        method="stratified",
        seed=5,
    )
    sample_audit(audit.pk)
    teams = sorted(audit.cases.values_list("team__pk", flat=True))
    assert teams == sorted([w.team_a.pk] * 2 + [w.team_b.pk] * 2)
    with pytest.raises(services.AuditRefused, match="Choose one of your teams"):
        services.start_audit(
            by=w.manager,
            team=None,
            period_from=dt.date(2025, 3, 1),
            period_to=dt.date(2025, 3, 31),
            size=4,
            method="random",
            seed=5,
        )
