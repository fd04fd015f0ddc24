"""Site-wide pages: the home redirect and the health check for load balancers and engineers."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from accounts.access import AuthenticatedRequest
from accounts.models import Role
from camhs_pbr.tasks import worker_health

WORKER_TIMEOUT_SECONDS = 10


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_clinical:
        return redirect("assessments:caseload")
    if request.user.role == Role.ADMINISTRATOR or request.user.is_superuser:
        return redirect("admin:index")
    return redirect("reports:index")


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
            worker_health.delay().get(timeout=WORKER_TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 - no answer in time means unhealthy
            return JsonResponse({**status, "worker": "unavailable"}, status=503)
        status["worker"] = "ok"
    return JsonResponse(status)
