"""Error reports to Sentry when SENTRY_DSN is set (README "Operations"), configured here once; off otherwise.

An event leaves with the error's type, message and stack (file, function, line), the route and the user's id,
and nothing a page or a form held: no request body, query string, cookies or headers, no user name or email,
no local variables, no extra data (Celery's task arguments), and no database DETAIL line (PostgreSQL puts the
values of a refused row there) or ten-digit number (an NHS number) in any message.
"""

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DATABASE_DETAIL = re.compile(r"^\s*DETAIL:.*$", re.MULTILINE)
TEN_DIGITS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
REQUEST_KEPT = ("method", "url")


def init_sentry(*, dsn: str, environment: str) -> None:
    """Send unhandled errors of the web and the workers to Sentry, scrubbed by `scrub_event`."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,  # a trace would carry each query and URL
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,  # type: ignore[arg-type]
    )


def scrub_text(text: Any) -> Any:
    """A message without database DETAIL lines or NHS-number-like digits."""
    if not isinstance(text, str):
        return text
    return TEN_DIGITS.sub("[number]", DATABASE_DETAIL.sub("DETAIL: [removed]", text))


def scrub_event(event: dict[str, Any], hint: Any = None) -> dict[str, Any]:
    """The event as it may leave: see the module's docstring."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in REQUEST_KEPT if key in request}
        if "url" in kept:
            kept["url"] = urlunsplit(urlsplit(str(kept["url"]))._replace(query="", fragment=""))
        event["request"] = kept
    if isinstance(event.get("user"), dict):
        event["user"] = {"id": event["user"]["id"]} if "id" in event["user"] else {}
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = scrub_text(exception.get("value"))
        _drop_variables(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values", []):
        _drop_variables(thread.get("stacktrace"))
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if key in logentry:
                logentry[key] = scrub_text(logentry[key])
        logentry["params"] = [scrub_text(param) for param in logentry.get("params") or []]
    if "message" in event:
        event["message"] = scrub_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for crumb in values:
        scrub_breadcrumb(crumb)
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: Any = None) -> dict[str, Any]:
    """A breadcrumb (a log line, a query, an HTTP call) without its data and with its message scrubbed."""
    crumb.pop("data", None)
    if "message" in crumb:
        crumb["message"] = scrub_text(crumb["message"])
    return crumb


def _drop_variables(stacktrace: Any) -> None:
    for frame in (stacktrace or {}).get("frames", []):
        frame.pop("vars", None)
