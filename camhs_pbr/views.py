"""Site-wide pages: the home redirect, the favicon browsers ask for, the health check for load balancers and
engineers, and the metrics Prometheus scrapes."""

import datetime as dt
from collections.abc import Iterable

import prometheus_client
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static

from accounts.access import AuthenticatedRequest
from accounts.models import Role
from camhs_pbr import metrics as run_metrics
from camhs_pbr.celery import app
from camhs_pbr.runs import registry
from reports.models import ReportRun

WORKER_TIMEOUT_SECONDS = 1.0


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_clinical:
        return redirect("assessments:caseload")
    if request.user.role == Role.ADMINISTRATOR or request.user.is_superuser:
        return redirect("admin:index")
    if request.user.role == Role.DATA_MANAGER:
        return redirect("imports:index")
    return redirect("reports:index")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the app's icon."""
    return redirect(static("favicon.svg"))


def health(request: HttpRequest) -> HttpResponse:
    """Database reachable: 200, else 503; with ?worker=1 a Celery worker must answer too. Shows no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return JsonResponse({"database": "unavailable"}, status=503)
    status = {"database": "ok"}
    if request.GET.get("worker"):
        try:
            answers = _ping_workers()
        except Exception:  # noqa: BLE001 - an unreachable broker means unhealthy
            answers = []
        if not answers:
            return JsonResponse({**status, "worker": "unavailable"}, status=503)
        status["worker"] = "ok"
    return JsonResponse(status)


def _ping_workers() -> list:
    """Replies to a broadcast ping within WORKER_TIMEOUT_SECONDS, ending at the first (one worker is enough:
    without a limit the ping waits out the whole timeout); nothing is queued, so an unhealthy moment leaves no
    work behind for later. Tasks running in-process count as a worker."""
    if app.conf.task_always_eager:
        return ["in-process"]
    quick = {"socket_timeout": WORKER_TIMEOUT_SECONDS, "socket_connect_timeout": WORKER_TIMEOUT_SECONDS}
    with app.connection_for_write(transport_options=quick) as connection:
        return app.control.ping(timeout=WORKER_TIMEOUT_SECONDS, limit=1, connection=connection) or []


def run_kinds() -> Iterable[tuple[str, type[models.Model]]]:
    """Every registered kind of background run (camhs_pbr.runs.registry) with its model, named for the
    metrics by its model ("RegroupingRun" is "regrouping")."""
    return [
        (kind.model.__name__.removesuffix("Run").lower(), kind.model)
        for kind in sorted(registry.KINDS.values(), key=lambda kind: kind.label)
    ]


def last_monthly_reports() -> dict[str, dt.datetime]:
    """When the last scheduled monthly run (no requester) of each report finished successfully."""
    done = ReportRun.objects.filter(status="done", requested_by__isnull=True, finished_at__isnull=False)
    return dict(done.values_list("report").annotate(last=Max("finished_at")).order_by())


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape: 404 unless METRICS_TOKEN is set, 403 without `Authorization: Bearer <token>`."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not run_metrics.is_authorised(request.headers.get("Authorization", "")):
        raise PermissionDenied
    return HttpResponse(
        run_metrics.exposition(run_kinds, last_monthly_reports),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
