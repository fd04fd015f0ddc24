"""Every registered kind of background run survives the task queue down when it was requested: kept queued,
sent once the queue is back, then done. A real worker on Redis, one for the whole file (the outage is the
publisher's: the worker listens on the real queue throughout, and nothing reaches it until the run is sent)."""

from collections.abc import Callable, Iterator

import pytest

from camhs_pbr.celery import app
from camhs_pbr.runs import registry
from camhs_pbr.runs.models import RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from tests.runs.crash_scenarios import NO_PAUSE, SCENARIOS, SLOW_ENV, SLOW_MODULES, ended, latest, wait_until
from tests.support.brokers import publishing_to, silent_broker
from tests.support.workers import private_workers

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def worker(django_db_setup) -> Iterator[Callable[..., object]]:
    with private_workers(app, include=SLOW_MODULES, extra_env={**SLOW_ENV, **NO_PAUSE}) as start:
        start()
        yield start


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_requested_while_the_queue_is_down_is_sent_when_it_is_back_and_done(label, service, worker):
    model = registry.KINDS[label].model
    with silent_broker() as url, publishing_to(url, timeout=0.5):  # not a test of how long a refusal takes
        run = SCENARIOS[label].request(service)
        assert reap_stalled_runs() == 0  # still down: kept for the next round
    refused = latest(model, run.pk)
    assert (refused.status, refused.error, refused.refused_at is not None) == (RunStatus.QUEUED, "", True)

    assert reap_stalled_runs() == 0  # back: sent, which is not a re-queue
    wait_until(ended(model, run.pk), "the run to end")
    finished = latest(model, run.pk)
    assert (finished.status, finished.error, finished.refused_at, finished.requeues) == (
        RunStatus.DONE,
        "",
        None,
        0,
    )
