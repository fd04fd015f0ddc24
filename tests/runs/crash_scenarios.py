"""How a test asks for a run of each registered kind, through that kind's own service, and the slow steps a
test worker pauses in (test support for the crash tests of every kind)."""

import datetime as dt
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from accounts.models import Role
from camhs_pbr.celery import app
from camhs_pbr.runs import registry
from camhs_pbr.runs.models import Run, RunStatus
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
from tests.support.workers import private_workers

# Long enough for a test to see the run beat a few times and kill its worker while the step still works.
PAUSE_SECONDS = 3
HEARTBEAT_SECONDS = 0.25


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
    from tests.payments.helpers import contract

    made = contract(service["commissioner"], service["provider"], {"GH03": "1000.00"}, reference="CRASH-1")
    return runs.request_statement(contract=made, month=Month.of("2026-10"), by=None)


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


def wait_until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds:g} s for {what}")


def latest(model: type[Run], run_id: int) -> Run:
    return model._default_manager.get(pk=run_id)


def ended(model: type[Run], run_id: int) -> Callable[[], bool]:
    return lambda: latest(model, run_id).status in (RunStatus.DONE, RunStatus.FAILED)


NO_PAUSE = {name: "0" for name in SLOW_ENV if name.startswith("SLOW_")}


def request_every_kind() -> dict[str, Run]:
    """A run of every registered kind, each for a service of its own, by kind."""
    try:
        return {label: SCENARIOS[label].request(factories.service()) for label in sorted(SCENARIOS)}
    finally:
        # The report's request registered its test-only kind in this process (imported there, not at collection,
        # so that no other file's tests in this process ever list it): forgotten again.
        from tests.support import slow_report

        slow_report.forget()


def now(label: str, run: Run) -> Run:
    """The run as it stands, read again."""
    return latest(registry.KINDS[label].model, run.pk)


def wait_until_every_run_ends(runs: dict[str, Run]) -> dict[str, Run]:
    """The runs once each is done or failed, by kind."""
    wait_until(
        lambda: all(
            now(label, run).status in (RunStatus.DONE, RunStatus.FAILED) for label, run in runs.items()
        ),
        "every run to end",
    )
    return {label: now(label, run) for label, run in runs.items()}


@pytest.fixture
def slow_workers(django_db_setup) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts workers on a private queue, each domain step pausing PAUSE_SECONDS (unless told otherwise) and
    beating every HEARTBEAT_SECONDS."""
    with private_workers(app, include=SLOW_MODULES, extra_env=SLOW_ENV) as start:
        yield start
