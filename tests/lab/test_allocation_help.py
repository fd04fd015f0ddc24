"""Help at allocation: a service manager publishes a done classifier run for their provider (audited, one
per provider, replaced by another, withdrawn); the Current View page then shows its top three groupings with
probabilities beside the rules' suggestion, labelled as a statistical estimate, and allocates nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from accounts.audit import Action, AuditEvent
from groupings import services as grouping_services
from groupings.models import Allocation
from lab import model_files, services
from lab.models import LabRun
from lab.tasks import fit_lab_run
from tests import factories
from tests.groupings.helpers import ratings
from tests.lab.run_helpers import done_run, lab_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(service, tmp_path, monkeypatch):
    monkeypatch.setattr(fit_lab_run, "apply_async", lambda args: None)
    with override_settings(LAB_MODELS_DIR=tmp_path):
        model_files.cache_clear()
        yield lab_world(service)
    model_files.cache_clear()


def open_case_with_a_view(world, **values):
    case = factories.case(world["team_a"])
    view, _ = grouping_services.record_and_suggest(
        by=world["clinician"],
        case=case,
        completed_on=dt.date(2025, 10, 1),
        reason="first_contact",
        practitioner=world["clinician"],
        ratings=ratings(**values),
    )
    return case, view


def test_a_published_classifier_shows_its_estimate_beside_the_suggestion_and_never_allocates(client, world):
    run = done_run(client, world, "classifier")
    case, view = open_case_with_a_view(world, p09=2)
    url = f"/cases/{case.pk}/current-views/{view.pk}/"
    client.force_login(world["clinician"])
    assert 'data-testid="allocation-estimate"' not in client.get(url).content.decode()

    client.force_login(world["manager"])
    response = client.post(f"/lab/runs/{run.pk}/allocation-help/", {"publish": "1"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.for_allocation_help and run.published_by == world["manager"]
    assert AuditEvent.objects.filter(action=Action.PUBLISH_ALLOCATION_HELP, object_id=str(run.pk)).exists()

    client.force_login(world["clinician"])
    page = client.get(url).content.decode()
    estimate = page.split('data-testid="allocation-estimate"')[1].split("</section>")[0]
    assert "Statistical estimate" in estimate and "never allocates" in estimate
    rows = estimate.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert 1 <= len(rows) <= 3
    assert "GH03" in rows[0]  # low mood: clinicians of this service allocated GH03
    assert "%" in rows[0]
    assert 'data-testid="suggested-grouping"' in page  # the rules' suggestion is still there
    assert not Allocation.objects.filter(case=case).exists()


def test_publishing_another_replaces_the_first_and_withdrawing_removes_it(client, world):
    first, second = done_run(client, world, "classifier"), done_run(client, world, "classifier")
    client.post(f"/lab/runs/{first.pk}/allocation-help/", {"publish": "1"})
    client.post(f"/lab/runs/{second.pk}/allocation-help/", {"publish": "1"})
    assert list(LabRun.objects.filter(for_allocation_help=True)) == [second]
    page = client.get(f"/lab/runs/{second.pk}/").content.decode()
    assert "Stop using it for allocation help" in page
    client.post(f"/lab/runs/{second.pk}/allocation-help/", {"withdraw": "1"})
    assert not LabRun.objects.filter(for_allocation_help=True).exists()
    assert AuditEvent.objects.filter(
        action=Action.WITHDRAW_ALLOCATION_HELP, object_id=str(second.pk)
    ).exists()
    case, view = open_case_with_a_view(world, p09=2)
    client.force_login(world["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/{view.pk}/").content.decode()
    assert 'data-testid="allocation-estimate"' not in page


def test_the_database_holds_at_most_one_published_classifier_per_provider(client, world):
    first, second = done_run(client, world, "classifier"), done_run(client, world, "classifier")
    LabRun.objects.filter(pk=first.pk).update(for_allocation_help=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        LabRun.objects.filter(pk=second.pk).update(for_allocation_help=True)


def test_only_a_done_classifier_can_be_published(client, world):
    tree = done_run(client, world, method="tree")
    response = client.post(f"/lab/runs/{tree.pk}/allocation-help/", {"publish": "1"}, follow=True)
    assert "Only a finished classifier run can help at allocation." in response.content.decode()
    assert not LabRun.objects.filter(for_allocation_help=True).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        LabRun.objects.filter(pk=tree.pk).update(for_allocation_help=True)


def test_another_providers_service_manager_can_neither_publish_nor_see_the_estimate(client, world):
    run = done_run(client, world, "classifier")
    client.force_login(world["other_manager"])
    assert client.post(f"/lab/runs/{run.pk}/allocation-help/", {"publish": "1"}).status_code == 404
    with pytest.raises(services.LabRefused):
        services.publish_for_allocation_help(by=world["other_manager"], run=run)
    assert not LabRun.objects.filter(for_allocation_help=True).exists()


def test_a_missing_model_file_says_so_instead_of_failing_the_page(client, world):
    run = done_run(client, world, "classifier")
    client.post(f"/lab/runs/{run.pk}/allocation-help/", {"publish": "1"})
    model_files.path_of(run.model_file).unlink()
    model_files.cache_clear()
    case, view = open_case_with_a_view(world, p09=2)
    client.force_login(world["clinician"])
    page = client.get(f"/cases/{case.pk}/current-views/{view.pk}/").content.decode()
    assert "cannot be read now" in page.split('data-testid="allocation-estimate"')[1]


def test_the_model_is_loaded_once_per_process(client, world):
    run = done_run(client, world, "classifier")
    model_files.cache_clear()
    assert model_files.load(run.model_file) is model_files.load(run.model_file)
    assert model_files.cache_info().misses == 1
