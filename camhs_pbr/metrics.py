"""Prometheus metrics (README "Operations"): the web processes' own series (django-prometheus: requests by
route, latency, database queries) and, read from the database and the broker at each scrape, the background
runs': counts by status, durations, runs stuck, the queue's depth and each monthly report's last success.

Run metrics come from the run tables rather than from the Celery workers' memory, so they are the same
whichever process is scraped and survive a worker's restart.
"""

import datetime as dt
import hmac
import os
from collections.abc import Callable, Iterable, Iterator, Mapping

import prometheus_client
from django.conf import settings
from django.db import models
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from prometheus_client import multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from camhs_pbr import queueing

RunKinds = Callable[[], Iterable[tuple[str, type[models.Model]]]]
LastSuccesses = Callable[[], Mapping[str, dt.datetime]]
UNFINISHED = ("queued", "running")


def last_sign_of_life(model: type[models.Model]) -> F | Coalesce:
    """The field that moves while a run makes progress: `progress_at` where the model has one, else when it
    started or was queued."""
    names = {field.name for field in model._meta.get_fields()}
    if "progress_at" in names:
        return F("progress_at")
    return Coalesce("started_at", "requested_at")


class RunCollector(Collector):
    """Run series of every kind `kinds()` names (kind name, run model with status, requested_at, started_at,
    finished_at), and the last successful scheduled run of each report `last_successes()` gives."""

    def __init__(self, kinds: RunKinds, last_successes: LastSuccesses) -> None:
        self.kinds = kinds
        self.last_successes = last_successes

    def collect(self) -> Iterator[Metric]:
        runs = GaugeMetricFamily("camhs_pbr_runs", "Runs by kind and status.", labels=["kind", "status"])
        stuck = GaugeMetricFamily(
            "camhs_pbr_runs_stuck",
            "Runs queued or running with no progress for RUN_STALL_SECONDS.",
            labels=["kind"],
        )
        failed = CounterMetricFamily("camhs_pbr_runs_failed", "Runs that failed, by kind.", labels=["kind"])
        duration = SummaryMetricFamily(
            "camhs_pbr_run_duration_seconds", "Seconds from start to finish of runs done.", labels=["kind"]
        )
        stalled_before = timezone.now() - dt.timedelta(seconds=settings.RUN_STALL_SECONDS)
        for kind, model in self.kinds():
            manager = model._default_manager
            by_status = dict(manager.values_list("status").annotate(n=Count("pk")).order_by())
            for status in ("queued", "running", "done", "failed"):
                runs.add_metric([kind, status], by_status.get(status, 0))
            failed.add_metric([kind], by_status.get("failed", 0))
            stuck.add_metric(
                [kind],
                manager.filter(status__in=UNFINISHED)
                .annotate(alive=last_sign_of_life(model))
                .filter(alive__lt=stalled_before)
                .count(),
            )
            done = manager.filter(
                status="done", started_at__isnull=False, finished_at__isnull=False
            ).aggregate(n=Count("pk"), total=Sum(F("finished_at") - F("started_at")))
            total: dt.timedelta | None = done["total"]
            duration.add_metric([kind], done["n"], total.total_seconds() if total else 0.0)
        yield from (runs, failed, duration, stuck)
        last = GaugeMetricFamily(
            "camhs_pbr_report_last_success_timestamp_seconds",
            "When the last scheduled monthly run of each report finished successfully (Unix time).",
            labels=["report"],
        )
        for report, finished_at in sorted(self.last_successes().items()):
            last.add_metric([report], finished_at.timestamp())
        yield last
        yield from queue_depth()


def queue_depth() -> Iterator[Metric]:
    """Messages waiting on the task queue, and whether the broker answered at all."""
    up = GaugeMetricFamily("camhs_pbr_queue_up", "1 when the broker answered the scrape, else 0.")
    try:
        waiting = queueing.waiting_messages()
    except Exception:  # noqa: BLE001 - an unreachable broker is a value of the series, not a failed scrape
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    yield up
    yield GaugeMetricFamily(
        "camhs_pbr_queue_waiting_messages", "Messages waiting on the task queue.", waiting
    )


def exposition(kinds: RunKinds, last_successes: LastSuccesses) -> bytes:
    """The text a scrape receives: this process's series (every gunicorn process's in multiprocess mode) and
    the run series."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
    else:
        processes = prometheus_client.REGISTRY
    runs = prometheus_client.CollectorRegistry(auto_describe=False)
    runs.register(RunCollector(kinds, last_successes))
    return prometheus_client.generate_latest(processes) + prometheus_client.generate_latest(runs)


def is_authorised(authorization: str) -> bool:
    """The scrape's `Authorization` header is `Bearer <METRICS_TOKEN>` (compared in constant time)."""
    expected = f"Bearer {settings.METRICS_TOKEN}".encode()
    return bool(settings.METRICS_TOKEN) and hmac.compare_digest(authorization.encode(), expected)
