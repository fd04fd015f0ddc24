"""The data manager's pages: their provider's imports and an upload form, an import's progress, counts and
rejected rows, and its report as CSV. A data manager sees only their own provider's runs and no case page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import AuthenticatedRequest, for_roles
from accounts.audit import Action, record
from accounts.models import Role
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from imports import selectors, services
from imports.extracts import keep_upload
from imports.filing import write_report
from imports.forms import UploadForm
from imports.models import ImportRun, ImportSource

data_manager_page = for_roles(
    (Role.DATA_MANAGER,),
    "Imports are for data managers: they load their provider's records system's extracts.",
)


def _runs_of(request: AuthenticatedRequest):
    """The import runs of the user's provider; another provider's run is not found (404)."""
    return ImportRun.objects.filter(provider_id=request.user.provider_id or 0)


@data_manager_page
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path, name = keep_upload(form.cleaned_data["extract"])
        run = services.request_import(
            by=request.user,
            provider=request.user.provider,  # type: ignore[arg-type]
            path=path,
            name=name,
            source=ImportSource.UPLOAD,
            mode=form.cleaned_data["mode"],
            dry_run=form.cleaned_data["dry_run"],
        )
        if run.refused_at:
            messages.warning(request, f"Import {run.pk} is queued but not yet sent. {UNREACHABLE_NOW}")
        else:
            messages.success(request, f"Import {run.pk} queued.")
        return redirect("imports:run", pk=run.pk)
    runs = _runs_of(request).select_related("requested_by")[:50]
    return render(request, "imports/index.html", {"form": form, "runs": runs})


@data_manager_page
@require_safe
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_runs_of(request), pk=pk)
    page = Paginator(run.rejections.order_by("pk"), 200).get_page(request.GET.get("page"))
    context = {"run": run, "rejections": page}
    fragment = request.headers.get("HX-Request") == "true"  # htmx polling: the run's body alone
    response = render(request, "imports/_run_body.html" if fragment else "imports/run.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@data_manager_page
@require_safe
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_runs_of(request), pk=pk)
    record(Action.EXPORT_REPORT, by=request.user, target=run)  # a download: its reasons may quote a cell
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    write_report(run, response)  # type: ignore[arg-type]
    return response


@data_manager_page
@require_safe
def not_in_extract(request: AuthenticatedRequest) -> HttpResponse:
    """The provider's records a full extract no longer held, by their ids in the records system, to review
    (nothing was deleted; a record is cleared from here when an extract holds it again)."""
    return render(
        request,
        "imports/not_in_extract.html",
        {"groups": selectors.not_in_extract(request.user.provider_id or 0)},
    )
