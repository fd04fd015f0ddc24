"""The agreement figures are background runs on the run platform: a new rating, a closed audit and a vignette
rating queue them again, a manager recalculates them, the page reads the last good figures (and says when
they were calculated and what a newer run is doing), one run per page and manager, and in `make run`'s
embedded mode (tasks in the process) a rating's figures are there when the page loads."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from camhs_pbr.celery import app
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import RunStatus
from consistency import agreement_runs, services
from consistency.models import AgreementRun, AgreementSubject, Vignette
from consistency.tasks import compute_agreement
from groupings.models import Grouping
from groupings.selectors import current_rules_version
from tests import factories
from tests.consistency.helpers import assign_all, compute_agreement_runs, rate, sampled_audit, world
from tests.consistency.test_vignettes import DEMO
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db


def rated_audit(service, cases=2):
    w = world(service, cases=cases)
    audit = sampled_audit(w)
    audit_cases = assign_all(w, audit)
    return w, audit, audit_cases


def test_a_second_rating_queues_the_audits_figures_for_its_manager_and_the_page_reads_them(client, service):
    w, audit, audit_cases = rated_audit(service)
    rate(w, audit_cases[0], grouping="GH03", p09=2)
    run = AgreementRun.objects.get()
    assert (run.subject, run.audit, run.manager, run.status) == (
        AgreementSubject.AUDIT,
        audit,
        w.manager,
        RunStatus.QUEUED,
    )
    assert AuditEvent.objects.filter(action=Action.REQUEST_AGREEMENT, object_id=str(run.pk)).exists()
    client.force_login(w.manager)
    waiting = client.get(reverse("consistency:audit_agreement", args=[audit.pk])).content.decode()
    assert "Waiting for a worker" in waiting and 'data-testid="agreement-grouping"' not in waiting

    assert compute_agreement(run.pk) is True
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.figures and run.figures["overall"]["n"] == 1
    page = client.get(reverse("consistency:audit_agreement", args=[audit.pk])).content.decode()
    assert "Calculated from the data as of" in page and "100%" in page
    assert compute_agreement(run.pk) is False  # a late second delivery does nothing


def test_the_last_good_figures_stay_readable_while_a_newer_run_is_queued_and_after_it_fails(client, service):
    w, audit, audit_cases = rated_audit(service)
    rate(w, audit_cases[0], grouping="GH03", p09=2)
    compute_agreement_runs()
    rate(w, audit_cases[1], grouping="GA01", p09=1)  # queues the same run again, in place
    run = AgreementRun.objects.get()
    assert run.status == RunStatus.QUEUED and run.figures and run.figures["overall"]["n"] == 1
    client.force_login(w.manager)
    url = reverse("consistency:audit_agreement", args=[audit.pk])
    page = client.get(url).content.decode()
    assert "A newer calculation is queued; the figures below are the last good ones" in page
    assert 'data-testid="agreement-grouping"' in page and "100%" in page

    lifecycle.fail(AgreementRun, run.pk, "The worker ran out of memory.")
    page = client.get(url).content.decode()
    assert "A newer calculation failed; the figures below are the last good ones." in page
    assert "The worker ran out of memory." in page and "100%" in page


def test_one_run_per_page_and_manager_a_second_request_joins_the_active_one(service):
    w, audit, _ = rated_audit(service)
    first = agreement_runs.request_agreement(
        subject=AgreementSubject.AUDIT, manager=w.manager, audit=audit, by=None
    )
    again = lifecycle.request(
        AgreementRun, key={"subject": AgreementSubject.AUDIT, "audit": audit, "manager": w.manager}, by=None
    )
    assert again.joined and again.run.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementRun.objects.create(subject=AgreementSubject.AUDITS, manager=w.manager)
        AgreementRun.objects.create(subject=AgreementSubject.AUDITS, manager=w.manager)


def test_closing_the_audit_queues_its_figures_and_every_managers_figures_that_count_it(service):
    w, audit, audit_cases = rated_audit(service)
    other_team = factories.user(Role.TEAM_MANAGER, teams=(w.team_b,))
    service_manager = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    elsewhere = factories.user(Role.SERVICE_MANAGER, provider=factories.provider())
    for manager in (w.manager, other_team, service_manager, elsewhere):
        agreement_runs.request_agreement(subject=AgreementSubject.AUDITS, manager=manager, by=manager)
    compute_agreement_runs()
    services.close_audit(by=w.manager, audit=audit)
    queued = AgreementRun.objects.filter(status=RunStatus.QUEUED)
    assert sorted(queued.values_list("subject", "manager")) == [
        (AgreementSubject.AUDIT, w.manager.pk),
        (AgreementSubject.AUDITS, w.manager.pk),
        (AgreementSubject.AUDITS, service_manager.pk),
    ]  # another team's manager and another provider's do not see this audit: their figures are not queued


def test_a_manager_recalculates_the_figures_with_the_button(client, service):
    w, audit, audit_cases = rated_audit(service)
    client.force_login(w.manager)
    url = reverse("consistency:audit_agreement", args=[audit.pk])
    assert "Not calculated yet" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    run = AgreementRun.objects.get(subject=AgreementSubject.AUDIT, manager=w.manager)
    assert run.requested_by == w.manager and run.status == RunStatus.QUEUED
    compute_agreement_runs()
    assert "No case rated yet." in client.get(url).content.decode()


def test_figures_read_for_teams_the_manager_no_longer_has_are_not_shown(client, service):
    w, audit, audit_cases = rated_audit(service)
    agreement_runs.request_agreement(subject=AgreementSubject.AUDITS, manager=w.manager, by=None)
    compute_agreement_runs()
    w.manager.teams.add(w.team_b)
    client.force_login(w.manager)
    page = client.get(reverse("consistency:agreement")).content.decode()
    assert "calculated for other teams than yours now" in page
    assert 'data-testid="agreement-grouping"' not in page


def test_a_vignette_rating_queues_the_figures_of_the_managers_who_see_its_clinician(service):
    services.load_vignette_file(by=None, content=DEMO.read_bytes())
    mine = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    theirs = factories.user(Role.TEAM_MANAGER, teams=(service["team_b"],))
    for manager in (mine, theirs):
        agreement_runs.request_agreement(subject=AgreementSubject.VIGNETTES, manager=manager, by=manager)
    compute_agreement_runs()
    services.record_vignette_rating(
        by=service["clinician"],
        vignette=Vignette.objects.get(code="V04"),
        ratings=ratings(p09=2),
        grouping=Grouping.objects.get(rules_version=current_rules_version(), code="GH03"),
    )
    assert list(AgreementRun.objects.filter(status=RunStatus.QUEUED).values_list("manager", flat=True)) == [
        mine.pk
    ]
    compute_agreement_runs()
    sets = agreement_runs.last_figures(AgreementRun.objects.get(manager=mine), mine)
    assert sets is not None and [c.name for c in sets[0]["clinicians"]] == [service["clinician"].display_name]


def test_in_the_embedded_mode_a_rating_s_figures_are_ready_when_the_page_loads(
    client, service, django_capture_on_commit_callbacks
):
    w, audit, audit_cases = rated_audit(service)
    app.conf.task_always_eager = True  # `make run` without a broker: tasks run in the process
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rate(w, audit_cases[0], grouping="GH03", p09=2)
    finally:
        app.conf.task_always_eager = False
    assert AgreementRun.objects.get().status == RunStatus.DONE
    client.force_login(w.manager)
    page = client.get(reverse("consistency:audit_agreement", args=[audit.pk])).content.decode()
    assert "Calculated from the data as of" in page and 'data-testid="agreement-grouping"' in page
