"""Celery tasks of bulk re-grouping: thin wrappers around groupings.bulk, one task per chunk of cases."""

from celery import shared_task

from groupings import bulk, runs
from groupings.models import RegroupingRun
from groupings.selectors import cases_in_scope

CHUNK_CASES = 50_000


@shared_task
def start_regrouping(run_id: int, chunk_cases: int = CHUNK_CASES) -> int:
    """Split the run's open cases into chunks and queue one task per chunk; returns the number of chunks."""
    run = RegroupingRun.objects.select_related("requested_by").get(pk=run_id)
    cases = cases_in_scope(run)
    bounds = bulk.chunk_bounds(cases, chunk_cases)
    runs.begin(run_id, cases=cases.count(), chunks=len(bounds))
    for first, last in bounds:
        regroup_chunk.delay(run_id, first, last)
    return len(bounds)


@shared_task
def regroup_chunk(run_id: int, first_case_id: int, last_case_id: int) -> int:
    """Re-group the cases of one id range; safe to run again (existing suggestions are kept)."""
    run = RegroupingRun.objects.select_related("rules_version", "requested_by").get(pk=run_id)
    cases = cases_in_scope(run).filter(pk__gte=first_case_id, pk__lte=last_case_id)
    try:
        result = bulk.regroup_cases(cases, run.rules_version)
    except Exception as error:
        runs.failed(run_id, error)
        raise
    runs.chunk_done(run_id, views=result.views)
    return result.views
