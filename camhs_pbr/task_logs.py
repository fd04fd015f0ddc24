"""One log line per Celery task started, finished, retried or failed, with its name, id, attempt and duration;
for a run's task (its first parameter is `run_id`) the run's kind (the task's app) and id as well.

Task arguments are not logged: only a run id, which is a number. A failure is logged by the exception's type;
Celery's own line keeps the traceback for an engineer.
"""

import inspect
import logging
import time
from typing import Any

from celery import Task
from celery.signals import setup_logging, task_failure, task_postrun, task_prerun, task_retry

log = logging.getLogger(__name__)
_started: dict[str, float] = {}


def task_fields(task: Task, task_id: str, args: Any) -> dict[str, Any]:
    """The fields every line of a task carries."""
    fields: dict[str, Any] = {
        "task": task.name,
        "task_id": task_id,
        "attempt": (getattr(task.request, "retries", 0) or 0) + 1,
    }
    run_id = run_id_of(task, args)
    if run_id is not None:
        fields["run_kind"] = task.name.split(".")[0]
        fields["run_id"] = run_id
    return fields


def run_id_of(task: Task, args: Any) -> int | None:
    """The task's `run_id` argument when its first parameter is named so and given as an int."""
    try:
        first = next(iter(inspect.signature(task.run).parameters), None)
    except (TypeError, ValueError):
        return None
    if first == "run_id" and args and isinstance(args[0], int):
        return args[0]
    return None


def _prerun(sender: Task, task_id: str, args: Any = (), **kwargs: Any) -> None:
    _started[task_id] = time.perf_counter()
    log.info("task %s started", sender.name, extra=task_fields(sender, task_id, args))


def _postrun(sender: Task, task_id: str, args: Any = (), state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    fields = task_fields(sender, task_id, args)
    fields["state"] = state or ""
    if started is not None:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    log.info("task %s %s", sender.name, (state or "finished").lower(), extra=fields)


def _failure(sender: Task, task_id: str, exception: BaseException, args: Any = (), **kwargs: Any) -> None:
    fields = {**task_fields(sender, task_id, args), "error": type(exception).__name__}
    log.error("task %s failed: %s", sender.name, type(exception).__name__, extra=fields)


def _retry(sender: Task, request: Any, reason: Any = None, **kwargs: Any) -> None:
    fields = {**task_fields(sender, request.id, request.args), "error": type(reason).__name__}
    log.warning("task %s will be retried: %s", sender.name, type(reason).__name__, extra=fields)


def _django_logging(loglevel: Any = None, **kwargs: Any) -> None:
    """Workers log as the web does (settings.LOGGING: JSON lines in production) instead of Celery's format,
    at the level of the worker's --loglevel."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def connect() -> None:
    task_prerun.connect(_prerun, dispatch_uid="task_logs_prerun", weak=False)
    task_postrun.connect(_postrun, dispatch_uid="task_logs_postrun", weak=False)
    task_failure.connect(_failure, dispatch_uid="task_logs_failure", weak=False)
    task_retry.connect(_retry, dispatch_uid="task_logs_retry", weak=False)
    setup_logging.connect(_django_logging, dispatch_uid="task_logs_setup", weak=False)
