"""Clinician pages of the grouping workflow: complete a Current View, see the suggestion, allocate."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest, case_level_page, manager_page
from assessments.forms import CurrentViewForm
from assessments.selectors import visible_case
from camhs_pbr.queueing import QueueUnreachable
from groupings import movement, selectors, services
from groupings.forms import AllocationForm
from groupings.models import RegroupingRun, RulesVersion


@case_level_page
@require_http_methods(["GET", "POST"])
def current_view_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    form = CurrentViewForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        current_view, _ = services.record_and_suggest(
            by=request.user,
            case=case,
            completed_on=form.cleaned_data["completed_on"],
            reason=form.cleaned_data["reason"],
            practitioner=form.cleaned_data["practitioner"],
            ratings=form.ratings(),
        )
        messages.success(request, "Current View saved.")
        return redirect("groupings:current_view_detail", pk=case.pk, view_pk=current_view.pk)
    return render(request, "groupings/current_view_form.html", {"form": form, "case": case})


@case_level_page
@require_http_methods(["GET", "POST"])
def current_view_detail(request: AuthenticatedRequest, pk: int, view_pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    current_view = get_object_or_404(case.current_views, pk=view_pk)
    # A view completed under an earlier rules version is shown the current version's suggestion; it is
    # stored (once) only when a grouping is allocated from it, so reading the page writes nothing.
    suggestion = selectors.suggestion_for(current_view, selectors.current_rules_version())
    form = AllocationForm(
        request.POST or None, suggestion=suggestion, initial={"grouping": suggestion.grouping_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggest_for(current_view, suggestion.rules_version)
            services.allocate_grouping(by=request.user, case=case, suggestion=suggestion, **form.cleaned_data)
        except services.AllocationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Allocated to {form.cleaned_data['grouping'].name}.")
            return redirect("assessments:case_detail", pk=case.pk)
    context = {
        "case": case,
        "current_view": current_view,
        "suggestion": suggestion,
        "explanation": selectors.explanation(suggestion),
        "form": form,
        "current_allocation": selectors.current_allocation(case),
    }
    return render(request, "groupings/current_view_detail.html", context)


@manager_page
@require_http_methods(["GET", "POST"])
def regrouping(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        rules_version = get_object_or_404(RulesVersion, pk=request.POST.get("rules_version"))
        try:
            run = services.start_regrouping(by=request.user, rules_version=rules_version)
        except QueueUnreachable as unreachable:
            messages.error(request, f"Re-grouping with {rules_version.label} was not started. {unreachable}")
            return redirect(f"{reverse('groupings:regrouping')}?rules_version={rules_version.pk}")
        messages.success(
            request,
            f"Re-grouping with {rules_version.label} queued. It suggests; it never changes an allocation.",
        )
        return redirect(f"{reverse('groupings:regrouping')}?rules_version={rules_version.pk}&run={run.pk}")
    rules_versions = RulesVersion.objects.order_by("-is_current", "label")
    requested = request.GET.get("rules_version", "")
    chosen = (
        rules_versions.filter(pk=int(requested)).first() if requested.isdigit() else None
    ) or selectors.current_rules_version()
    table = movement.movement(request.user, chosen)
    context = {
        "rules_versions": rules_versions,
        "chosen": chosen,
        "movement": table.to_dict("records"),
        "moving": int(table.loc[table["moves"], "cases"].sum()),
        "total": int(table["cases"].sum()),
        "agreement": movement.allocation_agreement(request.user),
        "runs": RegroupingRun.objects.filter(requested_by=request.user).select_related("rules_version")[:10],
    }
    return render(request, "groupings/regrouping.html", context)
