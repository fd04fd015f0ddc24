"""The algorithm lab's pages, for service managers only: their provider's runs and a form to start one, a
run's progress and results, and publishing a classifier for allocation help. Aggregates only: no page of
the lab shows a case or an identifier."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import AuthenticatedRequest, for_roles
from accounts.models import Role
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from groupings.selectors import NoSuchRulesVersion
from lab import charts, services
from lab.forms import LabRunForm, PublishTreeForm
from lab.models import LabRun

service_manager_page = for_roles(
    (Role.SERVICE_MANAGER,),
    "The algorithm lab is for service managers: it learns from every closed episode of their provider.",
)


def _runs_of(request: AuthenticatedRequest):
    """The runs of the user's provider; another provider's run is not found (404)."""
    return LabRun.objects.filter(provider_id=request.user.provider_id or 0)


@service_manager_page
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    form = LabRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            run = services.request_run(
                by=request.user,
                method=fields["method"],
                closed_from=fields["closed_from"],
                closed_to=fields["closed_to"],
                window=fields["window"],
                seed=fields["seed"],
                params=form.params(),
            )
        except (NoSuchRulesVersion, services.LabRefused) as refused:
            form.add_error(None, f"The run was not started. {refused}")
        else:
            if run.refused_at:
                messages.warning(request, f"Lab run {run.pk} is queued but not yet sent. {UNREACHABLE_NOW}")
            else:
                messages.success(request, f"Lab run {run.pk} queued.")
            return redirect("lab:run", pk=run.pk)
    runs = _runs_of(request).select_related("requested_by", "rules_version")[:50]
    return render(request, "lab/index.html", {"form": form, "runs": runs})


@service_manager_page
@require_safe
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context = {"run": run, "parameters": _parameters(run), "publish_form": PublishTreeForm(), **_results(run)}
    fragment = request.headers.get("HX-Request") == "true"  # htmx polling: the run's body alone
    response = render(request, "lab/_run_body.html" if fragment else "lab/run.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@service_manager_page
@require_POST
def allocation_help(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Publish the run for allocation help (`publish`) or withdraw it (`withdraw`)."""
    run = get_object_or_404(_runs_of(request), pk=pk)
    try:
        if "withdraw" in request.POST:
            services.withdraw_allocation_help(by=request.user, run=run)
            messages.success(request, f"Lab run {run.pk} no longer helps at allocation.")
        else:
            services.publish_for_allocation_help(by=request.user, run=run)
            messages.success(
                request,
                f"Lab run {run.pk} now helps at allocation: the Current View page of your service's cases "
                "shows its estimate beside the rules' suggestion. It never allocates.",
            )
    except services.LabRefused as refused:
        messages.error(request, str(refused))
    return redirect("lab:run", pk=run.pk)


@service_manager_page
@require_POST
def publish_tree(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Publish a done tree run as a new rules version that is not current; errors re-render the run page."""
    run = _run(request, pk)
    form = PublishTreeForm(request.POST)
    if form.is_valid():
        try:
            version = services.publish_tree_run(
                by=request.user,
                run=run,
                label=form.cleaned_data["label"],
                description=form.cleaned_data["description"],
            )
        except services.LabRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"The tree is published as rules version {version.label}, with a grouping per leaf. It is not "
                "current: re-group with it on the re-grouping page to see where cases would move, and ask an "
                "administrator to make it current.",
            )
            return redirect("lab:run", pk=run.pk)
    context = {"run": run, "parameters": _parameters(run), "publish_form": form, **_results(run)}
    return render(request, "lab/run.html", context, status=400)


def _run(request: AuthenticatedRequest, pk: int) -> LabRun:
    return get_object_or_404(
        _runs_of(request).select_related("requested_by", "rules_version", "published_version"), pk=pk
    )


PARAMETER_WORDS = {
    "min_leaf": "at least {} episodes a leaf",
    "max_leaves": "at most {} leaves",
    "k_min": "k from {}",
    "k_max": "up to {}",
    "k": "k = {} compared",
}


def _parameters(run: LabRun) -> str:
    """'at least 30 episodes a leaf, at most 12 leaves' (the method's parameters as asked for)."""
    return ", ".join(
        PARAMETER_WORDS.get(name, name + " {}").format(value) for name, value in run.params.items()
    )


def _results(run: LabRun) -> dict:
    """What the page draws of a done run's stored result."""
    result = run.result
    if not result:
        return {}
    comparison = result.get("comparison") or []
    chart_data = result.get("charts") or {}
    return {
        "result": result,
        "comparison": comparison,
        "appointments_bars": charts.explained_bars(comparison, "appointments_r2"),
        "cost_bars": charts.explained_bars(comparison, "cost_r2"),
        "has_cost": any(row["cost_r2"] is not None for row in comparison),
        "is_classifier": result.get("method") == "classifier",
        "tree": charts.tree_chart(chart_data.get("tree") or []),
        "tree_splits": [node for node in chart_data.get("tree") or [] if "leaf" not in node],
        "silhouettes": chart_data.get("silhouette") or [],
        "silhouette_bars": charts.silhouette_bars(chart_data.get("silhouette") or []),
        "confusion": result.get("confusion"),
        "confusion_rows": list(
            zip(
                (result.get("confusion") or {}).get("labels", []),
                (result.get("confusion") or {}).get("matrix", []),
                strict=True,
            )
        ),
        "confusion_chart": charts.confusion_chart(result.get("confusion")),
    }
