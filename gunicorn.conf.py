"""gunicorn settings for the web container (read from the working directory; command-line flags win).

Synchronous workers, one request at a time per process: a process accepts a connection only when it is free,
so requests spread evenly over the processes. Threaded workers (gthread) keep each keep-alive connection in
the process that accepted it: under bench/dashboard.py's 50 managers one of three gthread processes served most
of the measured requests, its threads taking turns at one interpreter lock (figures: README "Managers under
load").

A sync worker closes the connection after each response (no keep-alive), so a client never reuses a connection
the server is closing. In production it sits behind the TLS proxy (README "Configuration"), which keeps the
browsers' connections open and buffers slow clients.

WEB_CONCURRENCY processes, default 3 for 2 cores (cores + 1): a page is CPU work, in Python and in PostgreSQL
on the same cores, so more processes only queue for them. bench/dashboard.py met the 150 ms p95 on every page
with 3; with 4 and 5 (gunicorn's general advice of 2 x cores + 1) some pages missed it.
"""

import os
from pathlib import Path

worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 120
control_socket_disable = True  # several servers may share a machine (the benchmarks); nothing uses it

# Prometheus' multiprocess mode (camhs_pbr/metrics.py): each process writes its series to files in
# PROMETHEUS_MULTIPROC_DIR and a scrape answered by any process reads them all. Set when the server starts (not when
# this file is read, so that reading it leaves the environment alone), one directory per server.


def post_worker_init(worker) -> None:
    """Import every view (Django loads the URLconf at the first request) before the worker takes one."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - reading it imports the URLconf and the views


def on_starting(server) -> None:
    """Before the workers start (they inherit it): the metrics directory, without an earlier server's files."""
    directory = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"/tmp/camhs-pbr-metrics-{os.getpid()}")
    os.makedirs(directory, exist_ok=True)
    _remove_series_files(directory)


def child_exit(server, worker) -> None:
    """A process's series files are kept (its counts stay in the totals) and marked as no longer live."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    _remove_series_files(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))


def _remove_series_files(directory: str) -> None:
    for series in Path(directory).glob("*.db") if directory else []:
        series.unlink(missing_ok=True)
