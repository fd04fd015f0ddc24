"""Structured logs (README "Operations"): a request id per request, one line per request with its route,
status and duration, the context every log line carries, and the fields a JSON line may hold.

A line holds ids, route names and timings, never what a page showed or a form held: no names, NHS numbers,
dates of birth, answers, search terms, paths or query strings of case records.
"""

import contextvars
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("request", default=None)
requests_log = logging.getLogger("camhs_pbr.requests")


def current_request_id() -> str:
    """The id of the request being served ("" outside a request): on its log lines and audit events."""
    return _request_id.get()


class RequestLogMiddleware:
    """Outermost: gives each request a uuid (on its log lines, its audit events and the response header)
    and logs one line when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        id_token, request_token = _request_id.set(request_id), _request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            route = match.view_name if match else ""
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            requests_log.info(
                "%s %s %s %.0f ms",
                request.method,
                route or "(no route)",
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        finally:
            _request_id.reset(id_token)
            _request.reset(request_token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def known_user(request: HttpRequest | None) -> tuple[str, str]:
    """(user id, role) of the request's user if something has already looked them up, else ("", ""):
    a log line never costs a query."""
    user = request.__dict__.get("user") if request is not None else None
    user = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy user
    if user is None or user is empty:
        return "", ""
    if not user.is_authenticated:
        return "", "anonymous"
    return str(user.pk), str(getattr(user, "role", ""))


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id and role to every record a handler emits (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id, record.role = known_user(_request.get())
        return True


class ClientErrorWithoutTraceback(logging.Filter):
    """On django.request: a refused or bad request (4xx) is one line, not a traceback; a 500 keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


# The only fields a JSON line holds: others that libraries add to a record (Django's request object, whose
# repr holds the query string; Celery's task arguments) are left out.
JSON_FIELDS = frozenset(
    {
        "time",
        "level",
        "logger",
        "message",
        "exc_info",
        "request_id",
        "user_id",
        "role",
        "method",
        "route",
        "status",
        "status_code",
        "duration_ms",
        "task",
        "task_id",
        "run_kind",
        "run_id",
        "attempt",
        "state",
        "error",
    }
)


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line with the fields of JSON_FIELDS that the record has."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in [key for key in log_data if key not in JSON_FIELDS]:
            del log_data[key]


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: every record through one console handler, as JSON lines or text."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": RequestContextFilter},
            "client_error_without_traceback": {"()": ClientErrorWithoutTraceback},
        },
        "formatters": {"line": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler printed each of its lines a second time under DEBUG: through root only.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.request": {"filters": ["client_error_without_traceback"]},
            # At DEBUG it logs each query with its parameters, which hold names and NHS numbers: never on.
            "django.db.backends": {"level": "WARNING"},
            # WeasyPrint logs each step of each PDF page at INFO: twenty lines a pack, none of them news.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
