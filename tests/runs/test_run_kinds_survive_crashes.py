"""Every registered kind of background run survives the two faults found by trying: its worker killed with
SIGKILL mid-run (the heartbeat stops, the reaper queues it again and it ends done once) and the task queue
down when it was requested (kept queued, sent once the queue is back, then done). Real workers on Redis."""

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from accounts.models import Role
from camhs_pbr.celery import app
from camhs_pbr.runs import registry
from camhs_pbr.runs.models import Run, RunStatus
from camhs_pbr.runs.tasks import reap_stalled_runs
from consistency.models import AgreementRun, Audit
from groupings.models import RegroupingRun
from groupings.selectors import current_rules_version
from imports.models import ImportRun
from lab.models import LabRun
from payments.models import Statement
from reports.kinds import KINDS as REPORT_KINDS
from reports.models import ReportRun
from reports.periods import Month
from tests import factories
from tests.groupings.helpers import ratings
from tests.lab.run_helpers import add_closed_episodes
from tests.support.brokers import publishing_to, silent_broker
from tests.support.workers import pool_children, private_workers

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
PAUSE_SECONDS = 4
HEARTBEAT_SECONDS = 0.5


def request_regrouping(service: dict) -> Run:
    from groupings import services

    services.record_and_suggest(
        by=service["clinician"],
        case=factories.case(service["team_a"]),
        completed_on=dt.date(2025, 3, 3),
        reason="first_contact",
        practitioner=service["clinician"],
        ratings=ratings(p09=2),
    )
    return services.start_regrouping(by=None, rules_version=current_rules_version())


def request_lab_run(service: dict) -> Run:
    from lab import services

    add_closed_episodes(service["team_a"], service["clinician"], 20)
    manager = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    return services.request_run(
        by=manager,
        method="tree",
        closed_from=dt.date(2025, 6, 1),
        closed_to=dt.date(2025, 12, 31),
        window=3,
        seed=1,
        params={"min_leaf": 5, "max_leaves": 4},
    )


def request_report(service: dict) -> Run:
    from reports import services
    from tests.support.slow_report import SLOW_KIND

    REPORT_KINDS[SLOW_KIND.report] = SLOW_KIND
    return services.request_run(
        report=SLOW_KIND.report,
        month=Month.of("2026-10"),
        scope_kind="commissioner",
        scope_code=service["commissioner"].code,
        by=None,
    )


def request_audit(service: dict) -> Run:
    from consistency import services
    from tests.consistency.helpers import allocated_case

    allocated_case(service["team_a"], service["clinician"], p09=2)
    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    return services.start_audit(
        by=manager,
        team=service["team_a"],
        period_from=dt.date(2025, 3, 1),
        period_to=dt.date(2025, 3, 31),
        size=5,
        method="stratified",
        seed=1,
    )


def request_agreement(service: dict) -> Run:
    from consistency import agreement_runs
    from consistency.models import AgreementSubject

    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    return agreement_runs.request_agreement(subject=AgreementSubject.AUDITS, manager=manager, by=manager)


def request_import(service: dict) -> Run:
    import tempfile
    from pathlib import Path

    from imports import services
    from tests.imports import helpers

    folder = helpers.write(Path(tempfile.mkdtemp()) / "extract", helpers.rows(service))
    return services.request_import(
        by=None, provider=service["provider"], path=folder, name="extract", source="command"
    )


def request_statement(service: dict) -> Run:
    from payments import runs
    from payments.models import Contract
    from tests.payments.helpers import price_list

    prices = price_list(service["commissioner"], service["provider"], {"GH03": "1000.00"})
    contract = Contract.objects.create(
        reference="CRASH-1",
        commissioner=service["commissioner"],
        provider=service["provider"],
        financial_year=2026,
        price_list=prices,
    )
    return runs.request_statement(contract=contract, month=Month.of("2026-10"), by=None)


@dataclass(frozen=True)
class Scenario:
    """How a test asks for a run of one kind, through its own service."""

    request: Callable[[dict], Run]


SCENARIOS = {
    RegroupingRun._meta.label_lower: Scenario(request_regrouping),
    LabRun._meta.label_lower: Scenario(request_lab_run),
    ReportRun._meta.label_lower: Scenario(request_report),
    Audit._meta.label_lower: Scenario(request_audit),
    AgreementRun._meta.label_lower: Scenario(request_agreement),
    ImportRun._meta.label_lower: Scenario(request_import),
    Statement._meta.label_lower: Scenario(request_statement),
}
SLOW_MODULES = [
    "tests.support.slow_chunks",
    "tests.support.slow_fit",
    "tests.support.slow_report",
    "tests.support.slow_sampling",
    "tests.support.slow_agreement",
    "tests.support.slow_merge",
    "tests.support.slow_statement",
]
SLOW_ENV = {
    "SLOW_MERGE_SECONDS": str(PAUSE_SECONDS),
    "SLOW_CHUNK_SECONDS": str(PAUSE_SECONDS),
    "SLOW_FIT_SECONDS": str(PAUSE_SECONDS),
    "SLOW_REPORT_SECONDS": str(PAUSE_SECONDS),
    "SLOW_SAMPLING_SECONDS": str(PAUSE_SECONDS),
    "SLOW_AGREEMENT_SECONDS": str(PAUSE_SECONDS),
    "SLOW_STATEMENT_SECONDS": str(PAUSE_SECONDS),
    "RUN_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
}


def test_every_registered_kind_has_a_crash_scenario():
    assert set(registry.KINDS) == set(SCENARIOS)


@pytest.fixture
def slow_workers(django_db_setup) -> Iterator[Callable[[], subprocess.Popen]]:
    """Starts workers on a private queue, each domain step pausing PAUSE_SECONDS and beating every
    HEARTBEAT_SECONDS."""
    with private_workers(app, include=SLOW_MODULES, extra_env=SLOW_ENV) as start:
        yield start


def wait_until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds:g} s for {what}")


def latest(model: type[Run], run_id: int) -> Run:
    return model._default_manager.get(pk=run_id)


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_whose_worker_is_killed_mid_run_beats_until_then_and_is_queued_again_to_done(
    label, service, slow_workers
):
    model = registry.KINDS[label].model
    worker = slow_workers()
    run = SCENARIOS[label].request(service)
    wait_until(lambda: latest(model, run.pk).status == RunStatus.RUNNING, "the run to start")
    # The heartbeat: signs of life while the domain step is still working, more than its natural steps give.
    beats = set()
    for _ in range(20):
        beats.add(latest(model, run.pk).progress_at)
        time.sleep(0.1)
    assert len(beats) >= 3, beats

    for pid in [*pool_children(worker), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)
    time.sleep(1.5)  # no beat since the kill
    assert latest(model, run.pk).status == RunStatus.RUNNING
    slow_workers()
    assert reap_stalled_runs(stalled_seconds=1) == 1

    wait_until(lambda: latest(model, run.pk).status in (RunStatus.DONE, RunStatus.FAILED), "the run to end")
    finished = latest(model, run.pk)
    assert (finished.status, finished.error, finished.requeues) == (RunStatus.DONE, "", 1)


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_run_requested_while_the_queue_is_down_is_sent_when_it_is_back_and_done(
    label, service, slow_workers
):
    model = registry.KINDS[label].model
    with silent_broker() as url, publishing_to(url):
        run = SCENARIOS[label].request(service)
        assert reap_stalled_runs() == 0  # still down: kept for the next round
    refused = latest(model, run.pk)
    assert (refused.status, refused.error, refused.refused_at is not None) == (RunStatus.QUEUED, "", True)

    slow_workers()
    assert reap_stalled_runs() == 0  # back: sent, which is not a re-queue
    wait_until(lambda: latest(model, run.pk).status in (RunStatus.DONE, RunStatus.FAILED), "the run to end")
    finished = latest(model, run.pk)
    assert (finished.status, finished.error, finished.refused_at, finished.requeues) == (
        RunStatus.DONE,
        "",
        None,
        0,
    )
