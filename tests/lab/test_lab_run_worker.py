"""A lab run through Redis and a real Celery worker, started from the service manager's page: the worker
selects the episodes, fits, saves the model and the result, and the same inputs and seed give the same
result on a second run."""

import time

import pytest
from django.conf import settings

from lab import model_files
from lab.models import LabRun
from tests.lab.run_helpers import PERIOD, lab_world

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def wait_for(run_id: int, seconds: float = 120) -> LabRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = LabRun.objects.get(pk=run_id)
        if run.status in ("done", "failed"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"lab run {run_id} did not finish: {LabRun.objects.get(pk=run_id).status}")


def test_a_run_on_the_worker_is_done_with_its_model_saved_and_repeats_exactly(client, celery_worker, service):
    world = lab_world(service)
    client.force_login(world["manager"])
    data = {"method": "tree", **PERIOD, "window": 3, "seed": 11, "min_leaf": 5, "max_leaves": 4}
    runs = []
    for _ in range(2):
        response = client.post("/lab/", data)
        assert response.status_code == 302
        runs.append(wait_for(int(response.url.rstrip("/").split("/")[-1])))
    first, second = runs
    assert (first.status, first.episodes, first.error) == ("done", 40, "")
    assert first.fingerprint == second.fingerprint and first.result == second.result
    assert (
        first.result is not None and first.result["cv_r2"] > 0.5
    )  # the planted structure: low mood means more appointments
    for run in runs:
        path = model_files.path_of(run.model_file)
        assert path.is_file() and path.parent == settings.LAB_MODELS_DIR
        path.unlink()
    page = client.get(f"/lab/runs/{first.pk}/").content.decode()
    assert "Done in" in page and 'data-testid="comparison"' in page
