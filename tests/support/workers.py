"""Real Celery worker processes for the tests and benchmarks that need one on a real broker (test support)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared_cache_url(broker_url: str, xdist_worker: str | None = None) -> str:
    """The Redis database the test worker and the tests share as Django's cache: the one below the broker's
    (redis://host:6379/15 -> /14), so that clearing the cache never clears the queue; under pytest-xdist,
    worker gwN takes the Nth below that (gw1 -> /13), as each has its own test database and Celery worker
    whose figures, kept under the same keys, must not meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "") if xdist_worker is None else xdist_worker
    offset = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
    base, _, number = broker_url.rstrip("/").rpartition("/")
    broker = int(number) if number.isdigit() else 0
    cache = (broker - 1 - offset) % 16
    return f"{base}/{cache if cache != broker else (cache - 1) % 16}"


def start_worker(
    *,
    database_url: str,
    broker_url: str,
    queue: str,
    name: str,
    concurrency: int,
    quiet: bool = False,
    include: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.Popen:
    """A `celery worker` process consuming only `queue`, against the given database and broker; `include`
    names further modules it imports at start (e.g. a test-only report kind)."""
    env = {
        **os.environ,
        **(extra_env or {}),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "camhs_pbr",
        "worker",
        "-Q",
        queue,
        "-c",
        str(concurrency),
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{name}@%h",
        *([f"--include={','.join(include)}"] if include else []),
    ]
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def wait_until_answering(app, names: list[str], workers: list[subprocess.Popen], seconds: float = 60) -> None:
    """Block until every named worker answers a ping; RuntimeError if one exits or time runs out."""
    hostnames = [f"{name}@{os.uname().nodename}" for name in names]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # `limit`: back as soon as every one has answered (without it a ping waits out its whole timeout).
        if len(app.control.ping(destination=hostnames, timeout=0.5, limit=len(hostnames))) >= len(hostnames):
            return
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("A Celery worker exited at start-up")
    raise RuntimeError(f"The Celery workers did not answer within {seconds:.0f} s")


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def pool_children(worker: subprocess.Popen) -> list[int]:
    """The process ids of a worker's pool processes."""
    found = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


@contextmanager
def private_workers(
    app, *, include: Sequence[str], extra_env: Mapping[str, str]
) -> Iterator[Callable[..., subprocess.Popen]]:
    """Yields a function that starts a worker (of one pool process unless told) on a private queue, to which the app
    publishes meanwhile, against the test database and Redis (its own `extra_env` laid over the given one);
    stops them all at the end."""
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        raise RuntimeError("This test needs Redis: set CELERY_BROKER_URL (see `make test`).")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    started: list[subprocess.Popen] = []

    def start(concurrency: int = 1, **own_env: str) -> subprocess.Popen:
        name = f"{queue}-{len(started)}"
        worker = start_worker(
            database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            broker_url=settings.CELERY_BROKER_URL,
            queue=queue,
            name=name,
            concurrency=concurrency,
            include=include,
            extra_env={**extra_env, **own_env},
        )
        started.append(worker)
        wait_until_answering(app, [name], [worker])
        return worker

    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        app.conf.task_default_queue = default_queue
        # Throwaway workers on a throwaway queue: killed, not asked to finish (a warm shutdown takes seconds).
        for worker in started:
            for pid in [*pool_children(worker), worker.pid] if worker.poll() is None else []:
                os.kill(pid, signal.SIGKILL)
            worker.wait(timeout=10)
