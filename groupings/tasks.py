"""Celery tasks of bulk re-grouping: thin wrappers around groupings.bulk, one task per chunk of cases, on
the run platform (camhs_pbr.runs: late acknowledgement, heartbeat, database retries, failure capture)."""

from django.db import transaction

from camhs_pbr.runs import lifecycle
from camhs_pbr.runs.tasks import run_task
from groupings import bulk, runs
from groupings.models import RegroupingRun
from groupings.selectors import cases_in_scope

CHUNK_CASES = 50_000


@run_task(RegroupingRun)
def start_regrouping(run_id: int, chunk_cases: int = CHUNK_CASES) -> int:
    """Split the run's open cases into chunks and queue one task per chunk not yet done; returns their number."""
    run = RegroupingRun.objects.select_related("requested_by").get(pk=run_id)
    cases = cases_in_scope(run)
    bounds = bulk.chunk_bounds(cases, chunk_cases)
    chunks = runs.begin(run_id, cases=cases.count(), bounds=bounds)
    for first, last in chunks:
        lifecycle.publish_step(RegroupingRun, run_id, regroup_chunk, first, last)
    return len(chunks)


@run_task(RegroupingRun)
def regroup_chunk(run_id: int, first_case_id: int, last_case_id: int) -> int:
    """Re-group the cases of one id range and count the chunk, in one transaction; safe to run again."""
    if not runs.is_running(run_id):
        return 0  # failed, or finished by an earlier delivery
    lifecycle.beat(RegroupingRun, run_id)
    run = RegroupingRun.objects.select_related("rules_version", "requested_by").get(pk=run_id)
    cases = cases_in_scope(run).filter(pk__gte=first_case_id, pk__lte=last_case_id)
    with transaction.atomic():
        result = bulk.regroup_cases(cases, run.rules_version)
        runs.chunk_done(run_id, first_case_id=first_case_id, views=result.views)
    return result.views


def resume_regrouping(run_id: int) -> None:
    """Queue again the chunks of a running run not yet done (the reaper's resume of a lost worker's run)."""
    for first, last in runs.unfinished_chunks(run_id):
        lifecycle.publish_step(RegroupingRun, run_id, regroup_chunk, first, last)
