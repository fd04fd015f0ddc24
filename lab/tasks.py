"""The Celery task of a lab run: select the episodes as the requesting user sees them, fit, save the model
and the result; a reason the user can read when it cannot (too few episodes, a missing unit cost)."""

import datetime as dt

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from camhs_pbr import queueing
from lab import model_files, runs
from lab.methods import Params, fit
from lab.models import LabRun
from lab.selectors import closed_episodes
from reports.cost_report import MissingUnitCost

DATABASE_RETRIES = 3


@shared_task(bind=True, max_retries=DATABASE_RETRIES)
def fit_lab_run(self: Task, run_id: int) -> int:
    """Run the lab run `run_id` from the start (a delivery after a lost worker starts it again, to the same
    result); returns its number of episodes (0 when it was finished already or failed)."""
    try:
        if not runs.begin(run_id):
            return 0
        run = LabRun.objects.select_related("requested_by", "rules_version").get(pk=run_id)
        try:
            episodes = closed_episodes(
                run.requested_by,
                closed_from=run.closed_from,
                closed_to=run.closed_to,
                rules=run.rules_version.ruleset(),
                window=run.window,
            )
        except MissingUnitCost as missing:
            runs.failed(run_id, f"The episodes' cost cannot be worked out. {missing}")
            return 0
        runs.selected(run_id, episodes=episodes.n, fingerprint=episodes.fingerprint())
        if not episodes.n:
            runs.failed(run_id, no_episodes_reason(run))
            return 0
        try:
            result = fit(run.method, episodes, seed=run.seed, params=Params(**run.params))  # type: ignore[arg-type]
        except ValueError as refused:
            runs.failed(run_id, f"The {run.get_method_display().lower()} could not be fitted: {refused}.")
            return 0
        runs.saving(run_id)
        model_file = model_files.save(run_id, episodes.fingerprint(), result.model)
        runs.done(run_id, result=result.to_json(), model_file=model_file)
    except (OperationalError, InterfaceError) as error:
        connection.close()  # the next query opens a fresh connection
        if self.request.retries < DATABASE_RETRIES:
            raise self.retry(exc=error, countdown=1) from error
        runs.failed(run_id, f"The database connection was lost {DATABASE_RETRIES + 1} times: {error}")
        raise
    except Exception as error:
        runs.failed(run_id, f"{type(error).__name__}: {error}")
        raise
    return episodes.n


@shared_task
def reap_stalled_lab_runs(stalled_seconds: float | None = None) -> int:
    """Queue again each lab run with no sign of life for RUN_STALL_SECONDS, at most RUN_REQUEUE_LIMIT times,
    then fail it; returns the number queued again. Nothing is done while messages wait on the queue (the
    workers are busy, not lost), as for the re-grouping's reaper."""
    if queueing.waiting_messages():
        return 0
    quiet_for = dt.timedelta(
        seconds=settings.RUN_STALL_SECONDS if stalled_seconds is None else stalled_seconds
    )
    again = runs.reap(quiet_for=quiet_for, limit=settings.RUN_REQUEUE_LIMIT)
    for run_id in again:
        queueing.publish(fit_lab_run, run_id)
    return len(again)


def no_episodes_reason(run: LabRun) -> str:
    return (
        f"No episode to learn from: none of the cases you can see was closed from "
        f"{run.closed_from:%d/%m/%Y} to {run.closed_to:%d/%m/%Y} with a Current View completed by its "
        f"{run.window}{_ordinal_suffix(run.window)} attended contact. Choose a longer period or a wider window."
    )


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
