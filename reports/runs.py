"""State changes of report runs: requesting the one run of a report, month, scope and rules version (on the
run platform, camhs_pbr.runs), and executing it (the one code path of the Celery task and the management
command); asking for a scope's monthly PDF pack and making it once the scope's runs of the month are done."""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import Action, Outcome, record
from accounts.models import Commissioner, Provider, User
from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.models import ACTIVE, RunStatus
from groupings.selectors import current_rules_version
from reports.exports import plain_rows
from reports.kinds import ReportKind, kind_of
from reports.models import HEADLINE, ReportPack, ReportRow, ReportRun, ScopeKind
from reports.periods import Month

INSERT_BATCH = 5_000
logger = logging.getLogger(__name__)


class ReportRequestError(ValueError):
    """A report asked for something that does not exist: report, scope kind or organisation code."""


def prepare_run(
    *, report: str, month: Month, scope_kind: str, scope_code: str, by: User | None, send: bool = False
) -> ReportRun:
    """The run of `report` for `month` and one scope under the current rules version, queued again in place
    (with `send`, sent to the workers when the transaction commits; else executed by the caller), or the same
    run already queued or running, which the request joins. Its rows of the last successful execution stay
    until a new execution succeeds."""
    kind = _known_report(report)
    if scope_kind not in kind.scope_kinds:
        allowed = " or ".join(sorted(kind.scope_kinds))
        raise ReportRequestError(f"The {report} report is run for a {allowed}, not a {scope_kind}.")
    _check_scope_code(scope_kind, scope_code)
    key = {
        "report": report,
        "period": month.first,
        "scope_kind": scope_kind,
        "scope_code": scope_code,
        "rules_version": current_rules_version(),
    }
    return lifecycle.request(ReportRun, key=key, by=by, send=send).run


def execute_run(run_id: int) -> ReportRun:
    """Compute the run and replace its stored rows in one transaction; safe to repeat, and a finished run
    is executed again. A failure is recorded on the run (status failed, the reason) and the run returned,
    not raised; the rows of the last successful execution are kept then."""
    run = ReportRun.objects.select_related("rules_version").get(pk=run_id)
    lifecycle.start(ReportRun, run_id, finished_too=True)
    started = timezone.now()
    try:
        with lifecycle.heartbeat(ReportRun, run_id):  # the command executes it in its own process
            kind = kind_of(run.report)
            month = Month.containing(run.period)
            frame = kind.rows(month, run.scope_kind, run.scope_code, run.rules_version)
            tables = {"": plain_rows(frame)}
            if kind.headline is not None:
                tables[HEADLINE] = plain_rows(kind.headline(month, run.scope_kind, run.scope_code))
        rows = tables[""]
        with transaction.atomic():
            ReportRun.objects.select_for_update().filter(pk=run_id).get()
            ReportRow.objects.filter(run_id=run_id).delete()
            ReportRow.objects.bulk_create(
                (
                    ReportRow(run_id=run_id, table=table, position=n, values=values)
                    for table, table_rows in tables.items()
                    for n, values in enumerate(table_rows)
                ),
                batch_size=INSERT_BATCH,
            )
            lifecycle.finish(ReportRun, run_id, rows=len(rows), data_as_of=started)
    except Exception as error:
        lifecycle.fail_with_error(ReportRun, run_id, error)
    finished = ReportRun.objects.get(pk=run_id)
    outcome = Outcome.DONE if finished.status == RunStatus.DONE else Outcome.FAILED
    record(Action.EXECUTE_REPORT_RUN, by=None, target=finished, outcome=outcome)
    make_pack_when_reports_are_done(finished)
    return finished


def _pack_key(scope_kind: str, scope_code: str, month: Month) -> dict[str, Any]:
    return {
        "scope_kind": scope_kind,
        "scope_code": scope_code,
        "period": month.first,
        "rules_version": current_rules_version(),
    }


def ask_for_pack(*, month: Month, scope_kind: str, scope_code: str) -> ReportPack:
    """Ask for the scope's monthly pack (the monthly beat does, with the month's reports): it is made once
    none of the scope's report runs of the month is queued or running."""
    _check_scope_code(scope_kind, scope_code)
    with transaction.atomic():
        pack, created = ReportPack.objects.get_or_create(**_pack_key(scope_kind, scope_code, month))
        if created:
            record(Action.REQUEST_REPORT_RUN, by=None, target=pack)
    return pack


def make_pack(*, month: Month, scope_kind: str, scope_code: str) -> ReportPack:
    """Make (again) the scope's monthly pack from its report runs' stored results, and keep it."""
    from reports.pack import pack_pdf

    pdf = pack_pdf(scope_kind, scope_code, month)
    with transaction.atomic():
        pack, _ = ReportPack.objects.update_or_create(
            **_pack_key(scope_kind, scope_code, month),
            defaults={"pdf": pdf, "made_at": timezone.now(), "error": ""},
        )
        record(Action.EXECUTE_REPORT_RUN, by=None, target=pack)
    return pack


def make_pack_when_reports_are_done(run: ReportRun) -> ReportPack | None:
    """After a run of a report the pack shows ends: when its scope's pack of that month was asked for and
    none of the scope's runs of the month of the pack's reports is still queued or running, make the pack (a
    failure is kept on the pack, in words, and never fails the report run). A run of a report the pack does
    not show (the case-mix by team) changes nothing in it, so it does not make the pack again."""
    from reports.pack import kinds_for

    packed = [kind.report for kind in kinds_for(run.scope_kind)]
    month = Month.containing(run.period)
    key = _pack_key(run.scope_kind, run.scope_code, month)
    if run.report not in packed or key["rules_version"] != run.rules_version:
        return None
    if not ReportPack.objects.filter(**key).exists():
        return None
    others = ReportRun.objects.filter(
        report__in=packed,
        period=run.period,
        scope_kind=run.scope_kind,
        scope_code=run.scope_code,
        rules_version=run.rules_version,
        status__in=ACTIVE,
    )
    if others.exists():
        return None
    try:
        return make_pack(month=month, scope_kind=run.scope_kind, scope_code=run.scope_code)
    except Exception as error:
        logger.exception("the pack of %s %s %s was not made", run.scope_kind, run.scope_code, month.label())
        ReportPack.objects.filter(**key).update(error=f"{type(error).__name__}: {error}"[:2000])
        return None


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
