"""State changes of report runs: preparing the one run of a report, month, scope and rules version, and
executing it (the one code path of the Celery task and the management command)."""

import datetime as dt
import logging

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import Action, Outcome, record
from accounts.models import Commissioner, Provider, User
from groupings.selectors import current_rules_version
from reports.exports import plain_rows
from reports.kinds import ReportKind, kind_of
from reports.models import ReportRow, ReportRun, RunStatus, ScopeKind
from reports.periods import Month

logger = logging.getLogger(__name__)

INSERT_BATCH = 5_000


class ReportRequestError(ValueError):
    """A report asked for something that does not exist: report, scope kind or organisation code."""


def prepare_run(*, report: str, month: Month, scope_kind: str, scope_code: str, by: User | None) -> ReportRun:
    """The run of `report` for `month` and one scope under the current rules version, created if needed
    and marked queued; its previous rows stay until it is executed again."""
    kind = _known_report(report)
    if scope_kind not in kind.scope_kinds:
        allowed = " or ".join(sorted(kind.scope_kinds))
        raise ReportRequestError(f"The {report} report is run for a {allowed}, not a {scope_kind}.")
    _check_scope_code(scope_kind, scope_code)
    now = timezone.now()
    with transaction.atomic():
        run, _ = ReportRun.objects.select_for_update().get_or_create(
            report=report,
            period=month.first,
            scope_kind=scope_kind,
            scope_code=scope_code,
            rules_version=current_rules_version(),
            defaults={"requested_at": now},
        )
        run.status, run.requested_by, run.requested_at, run.error = RunStatus.QUEUED, by, now, ""
        run.requeues = 0
        run.save(update_fields=["status", "requested_by", "requested_at", "error", "requeues"])
        record(Action.REQUEST_REPORT_RUN, by=by, target=run)
    return run


def execute_run(run_id: int) -> ReportRun:
    """Compute the run and replace its stored rows in one transaction; safe to repeat. A failure is
    recorded on the run (status failed, the error) and the run returned, not raised."""
    run = ReportRun.objects.select_related("rules_version").get(pk=run_id)
    started = timezone.now()
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING, started_at=started, finished_at=None, error=""
    )
    try:
        kind = kind_of(run.report)
        frame = kind.rows(Month.containing(run.period), run.scope_kind, run.scope_code, run.rules_version)
        rows = plain_rows(frame)
        with transaction.atomic():
            ReportRun.objects.select_for_update().filter(pk=run_id).get()
            ReportRow.objects.filter(run_id=run_id).delete()
            ReportRow.objects.bulk_create(
                (ReportRow(run_id=run_id, position=n, values=values) for n, values in enumerate(rows)),
                batch_size=INSERT_BATCH,
            )
            ReportRun.objects.filter(pk=run_id).update(
                status=RunStatus.DONE, rows=len(rows), data_as_of=started, finished_at=timezone.now()
            )
    except Exception as error:
        logger.exception("report run %s failed", run_id)
        if isinstance(error, InterfaceError | OperationalError):
            connection.close()  # lost: record the failure on a fresh connection
        failed(run_id, f"{type(error).__name__}: {error}")
    finished = ReportRun.objects.get(pk=run_id)
    outcome = Outcome.DONE if finished.status == RunStatus.DONE else Outcome.FAILED
    record(Action.EXECUTE_REPORT_RUN, by=None, target=finished, outcome=outcome)
    return finished


def failed(run_id: int, reason: str) -> None:
    """Mark a run failed with the reason shown on its page."""
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def reap(*, quiet_for: dt.timedelta, limit: int) -> list[int]:
    """Runs queued or running for longer than `quiet_for`: each re-queued fewer than `limit` times is
    counted as re-queued once more and its id returned; the others are marked failed with the reason."""
    now = timezone.now()
    cutoff = now - quiet_for
    again = []
    with transaction.atomic():
        stalled = ReportRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.QUEUED, requested_at__lt=cutoff)
            | Q(status=RunStatus.RUNNING, started_at__lt=cutoff)
        )
        for run in stalled:
            if run.requeues >= limit:
                minutes = quiet_for.total_seconds() / 60
                failed(
                    run.pk,
                    f"Not finished {minutes:g} minutes after it was queued again {run.requeues} times: the "
                    "workers were probably lost. Run it again.",
                )
                continue
            ReportRun.objects.filter(pk=run.pk).update(
                status=RunStatus.QUEUED, requeues=F("requeues") + 1, requested_at=now
            )
            again.append(run.pk)
    return again


def _known_report(report: str) -> ReportKind:
    try:
        return kind_of(report)
    except LookupError as unknown:
        raise ReportRequestError(str(unknown)) from None


def _check_scope_code(scope_kind: str, scope_code: str) -> None:
    organisations = {
        ScopeKind.COMMISSIONER: Commissioner.objects.filter(code=scope_code),
        ScopeKind.PROVIDER: Provider.objects.filter(code=scope_code),
    }
    if not organisations[ScopeKind(scope_kind)].exists():
        raise ReportRequestError(f"No {scope_kind} has the code {scope_code!r}.")
