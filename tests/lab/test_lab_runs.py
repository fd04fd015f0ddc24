"""A stored lab run from the service manager's page: the form, the run record and its data snapshot, the
task's result and fitted model, readable failures, and the run's page with its comparison and charts. The
task runs in-process here (its queueing captured); tests/lab/test_lab_run_worker.py runs it on a worker."""

import joblib
import numpy as np
import pytest
from django.test import override_settings

from accounts.audit import Action, AuditEvent
from assessments.current_view_items import ALL_ITEMS
from lab import model_files, runs
from lab.models import LabRun
from lab.tasks import fit_lab_run
from tests import factories
from tests.lab.run_helpers import PERIOD, add_closed_episodes, lab_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(service, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    queued: list[tuple] = []
    monkeypatch.setattr(fit_lab_run, "apply_async", lambda args, **options: queued.append(args))
    with override_settings(LAB_MODELS_DIR=tmp_path):
        model_files.cache_clear()
        yield {
            **lab_world(service),
            "queued": queued,
            "models": tmp_path,
            "on_commit": django_capture_on_commit_callbacks,
        }
    model_files.cache_clear()


def start(client, world, **fields):
    client.force_login(world["manager"])
    data = {"method": "tree", **PERIOD, "window": 3, "seed": 7, "min_leaf": 5, "max_leaves": 4, **fields}
    with world["on_commit"](execute=True):  # the request is sent when its transaction commits
        response = client.post("/lab/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    run = LabRun.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert world["queued"][-1] == (run.pk,)
    fit_lab_run.apply(args=(run.pk,))  # the task's code, in this process
    run.refresh_from_db()
    return run


def test_a_tree_run_is_recorded_fitted_and_shown_with_its_comparison_and_charts(client, world):
    run = start(client, world)
    assert (run.status, run.method, run.seed, run.window, run.episodes) == ("done", "tree", 7, 3, 40)
    assert run.provider == world["provider"] and run.requested_by == world["manager"]
    assert run.params == {"min_leaf": 5, "max_leaves": 4} and len(run.fingerprint) == 64
    assert run.rules_version.is_current and run.seconds is not None and run.finished_at is not None
    assert run.result["method"] == "tree" and run.result["n"] == 40 and run.result["cv_r2"] > 0.5
    model = joblib.load(world["models"] / run.model_file)
    low_mood = np.zeros((1, 50), dtype=np.int8)
    low_mood[0, ALL_ITEMS.index("p09")] = 2
    leaf = model.apply(low_mood)[0]
    assert next(g for g in run.result["groups"] if g["label"] == leaf)["mean_appointments"] > 5
    assert AuditEvent.objects.filter(action=Action.REQUEST_LAB_RUN, object_id=str(run.pk)).count() == 1

    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    assert "hx-trigger" not in page  # finished: no more polling
    inputs = page.split('data-testid="run-inputs"')[1].split("</dl>")[0]
    assert (
        "(at least 5 episodes a leaf, at most 4 leaves); seed 7" in inputs
        and "40</strong> episodes" in inputs
    )
    assert run.fingerprint in inputs
    comparison = page.split('data-testid="comparison"')[1].split("</table>")[0]
    assert (
        "rules" in comparison and "clinicians&#x27; allocations" in comparison and "tree leaves" in comparison
    )
    assert "Depression/low mood (p09)" in page.split('data-testid="tree-splits"')[1]
    assert 'data-testid="tree-chart"' in page and "<svg" in page
    groups = page.split('data-testid="groups"')[1].split("</table>")[0]
    assert "at least Moderate" in groups or "at most" in groups
    assert 'data-testid="allocation-help"' not in page  # only a classifier helps at allocation

    listing = client.get("/lab/").content.decode()
    assert f'href="/lab/runs/{run.pk}/"' in listing.split('data-testid="lab-runs"')[1]


def test_the_same_inputs_and_seed_give_the_same_result(client, world):
    first, second = start(client, world), start(client, world)
    assert first.fingerprint == second.fingerprint
    assert first.result == second.result
    other_seed = start(client, world, seed=8)
    assert other_seed.fingerprint == first.fingerprint


def test_a_classifier_run_shows_accuracy_and_kappa_beside_the_rules_and_a_confusion_matrix(client, world):
    run = start(client, world, method="classifier")
    assert run.status == "done", run.error
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    header = page.split('data-testid="comparison"')[1].split("</thead>")[0]
    assert "Accuracy" in header and "Kappa" in header
    assert 'data-testid="confusion-chart"' in page and 'data-testid="confusion"' in page
    assert "Use for allocation help" in page


def test_a_clusters_run_shows_the_silhouette_per_k(client, world):
    run = start(client, world, method="clusters", k_min=2, k_max=3)
    assert run.status == "done", run.error
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    silhouettes = page.split('data-testid="silhouettes"')[1].split("</table>")[0]
    assert '<th scope="row">2</th>' in silhouettes and '<th scope="row">3</th>' in silhouettes


def test_too_few_episodes_fail_the_run_with_a_readable_reason(client, world):
    empty = start(client, world, closed_from="2024-01-01", closed_to="2024-12-31")
    assert empty.status == "failed" and empty.episodes == 0
    assert "No episode to learn from" in empty.error and "01/01/2024" in empty.error
    assert empty.model_file == "" and empty.result is None
    page = client.get(f"/lab/runs/{empty.pk}/").content.decode()
    assert "The run failed: No episode to learn from" in page
    few = start(client, world, method="clusters", k_min=2, k_max=8)
    assert few.status == "failed" and "too few for 8 clusters" in few.error


def test_an_unfinished_run_polls_with_htmx_and_offers_a_plain_refresh_link(client, world):
    client.force_login(world["manager"])
    client.post("/lab/", {"method": "tree", **PERIOD, "window": 3, "seed": 0, "min_leaf": 5, "max_leaves": 4})
    run = LabRun.objects.get()
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "htmx.min.js" in page
    assert f'<a href="/lab/runs/{run.pk}/">Refresh</a>' in page
    assert "Waiting for a worker." in page
    runs.begin(run.pk)
    assert "Selecting the closed episodes you can see." in client.get(f"/lab/runs/{run.pk}/").content.decode()
    response = client.get(f"/lab/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert "HX-Request" in response["Vary"]
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="lab-run-body"') and "<html" not in fragment


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closed_from": "2025-12-31", "closed_to": "2025-01-01"}, "must not be after its last"),
        ({"window": 0}, "The window is 1 to 50 attended contacts."),
        ({"seed": -1}, "The seed is a whole number"),
        ({"method": "clusters", "k_min": 5, "k_max": 3}, "The range of k must run"),
        ({"method": "magic"}, "Select a valid choice"),
        ({"closed_from": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_input_re_renders_the_form_with_a_clear_message_and_starts_nothing(
    client, world, fields, message
):
    client.force_login(world["manager"])
    data = {"method": "tree", **PERIOD, "window": 3, "seed": 0, **fields}
    response = client.post("/lab/", data)
    assert response.status_code == 200
    assert message in response.content.decode().split('data-testid="error-summary"')[1]
    assert not LabRun.objects.exists() and not world["queued"]


def test_the_run_uses_only_the_episodes_the_manager_can_see(client, world, service):
    elsewhere = factories.team(factories.provider())
    add_closed_episodes(elsewhere, factories.user(teams=(elsewhere,)), 12)
    run = start(client, world)
    assert run.episodes == 40


def test_a_run_requested_when_the_queue_is_unreachable_is_kept_to_be_sent_later_and_says_so(
    client, world, monkeypatch
):
    from camhs_pbr import queueing

    def unreachable(task, *args, **options):
        raise queueing.QueueUnreachable()

    monkeypatch.setattr(queueing, "publish", unreachable)
    client.force_login(world["manager"])
    with world["on_commit"](execute=True):
        response = client.post("/lab/", {"method": "tree", **PERIOD, "window": 3, "seed": 0})
    assert response.status_code == 302
    run = LabRun.objects.get()
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    status = page.split('data-testid="run-status"')[1].split("</p>")[0]
    assert "The task queue was unreachable at" in status
    assert "will be sent to the workers when the queue is back" in status
    assert (run.status, run.refused_at is not None) == ("queued", True)
    outcomes = AuditEvent.objects.filter(action=Action.REQUEST_LAB_RUN, object_id=str(run.pk))
    assert sorted(outcomes.values_list("outcome", flat=True)) == ["done", "refused"]


def test_runs_are_listed_newest_first(client, world):
    first, second = start(client, world), start(client, world, seed=3)
    listing = client.get("/lab/").content.decode().split('data-testid="lab-runs"')[1]
    assert listing.index(f"Run {second.pk}<") < listing.index(f"Run {first.pk}<")
    assert "01/06/2025 to 31/12/2025" in listing


def test_only_service_managers_reach_the_lab_and_only_they_see_it_in_the_nav(client, world):
    run = start(client, world)
    commissioner = factories.user("commissioner", commissioner=world["commissioner"])
    for user in (world["team_manager"], world["clinician"], commissioner):
        client.force_login(user)
        for url in ("/lab/", f"/lab/runs/{run.pk}/"):
            response = client.get(url)
            assert response.status_code == 403 and "for service managers" in response.content.decode()
        assert client.post("/lab/", {"method": "tree", **PERIOD, "window": 3, "seed": 0}).status_code == 403
        assert 'href="/lab/"' not in client.get("/accounts/password/").content.decode()
    assert LabRun.objects.count() == 1
    client.force_login(world["other_manager"])
    assert client.get(f"/lab/runs/{run.pk}/").status_code == 404
    assert f"Run {run.pk}<" not in client.get("/lab/").content.decode()
    client.force_login(world["manager"])
    assert 'href="/lab/"' in client.get("/lab/").content.decode().split("</nav>")[0]


def test_the_run_page_names_no_case_patient_or_identifier(client, world):
    from assessments.models import Case

    run = start(client, world, method="classifier")
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    for case in Case.objects.select_related("patient"):
        assert case.patient.nhs_number not in page and case.patient.family_name not in page
        assert f"/cases/{case.pk}/" not in page
