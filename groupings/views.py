"""Clinician pages of the grouping workflow: complete a Current View, see the suggestion, allocate."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import AuthenticatedRequest, case_level_page, manager_page
from accounts.audit import Action, record
from assessments.current_view_answers import answered_sections
from assessments.forms import CurrentViewCorrectionForm, CurrentViewForm, replace_input, show_conflict
from assessments.selectors import visible_case
from assessments.services import EditConflict, RecordRefused
from assessments.submissions import create_once
from assessments.views import closed_case_redirect
from camhs_pbr.lib.safe_csv import csv_lines
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from groupings import allocation_help, movement, selectors, services
from groupings.forms import AllocationForm
from groupings.models import RegroupingRun, RulesVersion


@case_level_page
@require_http_methods(["GET", "POST"])
def current_view_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if closed := closed_case_redirect(request, case):
        return closed
    form = CurrentViewForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fields, ratings = form.cleaned_data, form.ratings()
            current_view = create_once(
                by=request.user,
                key=fields["submission_key"],
                create=lambda: services.record_and_suggest(
                    by=request.user,
                    case=case,
                    completed_on=fields["completed_on"],
                    reason=fields["reason"],
                    practitioner=fields["practitioner"],
                    ratings=ratings,
                )[0],
            )
        except RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Current View saved.")
            return redirect("groupings:current_view_detail", pk=case.pk, view_pk=current_view.pk)
    return render(request, "groupings/current_view_form.html", {"form": form, "case": case})


@case_level_page
@require_http_methods(["GET", "POST"])
def current_view_correct(request: AuthenticatedRequest, pk: int, view_pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    current_view = get_object_or_404(case.current_views.select_related("case__patient"), pk=view_pk)
    if closed := closed_case_redirect(request, case):
        return closed
    form = CurrentViewCorrectionForm(request.POST or None, current_view=current_view, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            _, change = services.correct_and_suggest(
                by=request.user, current_view=current_view, **form.correction()
            )
        except EditConflict as conflict:
            show_conflict(form, str(conflict), conflict.current_version)
        except RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Current View corrected. {change.summary}")
            return redirect("groupings:current_view_detail", pk=case.pk, view_pk=current_view.pk)
    context = {"form": form, "case": case, "correcting": current_view}
    return render(request, "groupings/current_view_form.html", context)


@case_level_page
@require_http_methods(["GET", "POST"])
def current_view_detail(request: AuthenticatedRequest, pk: int, view_pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    current_view = get_object_or_404(
        case.current_views.select_related("practitioner__profession", "recorded_by", "corrected_by"),
        pk=view_pk,
    )
    # A view completed under an earlier rules version is shown the current version's suggestion; it is
    # stored (once) only when a grouping is allocated from it, so reading the page writes nothing.
    suggestion = selectors.suggestion_for(current_view, selectors.current_rules_version())
    current_allocation = selectors.current_allocation(case)
    seen = current_allocation.pk if current_allocation else None
    form = AllocationForm(
        request.POST or None,
        suggestion=suggestion,
        initial={"grouping": suggestion.grouping_id, "seen_allocation": seen},
    )
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.cleaned_data
            key = fields.pop("submission_key")
            chosen = services.suggest_for(current_view, suggestion.rules_version)
            create_once(
                by=request.user,
                key=key,
                create=lambda: services.allocate_grouping(
                    by=request.user, case=case, suggestion=chosen, **fields
                ),
            )
        except services.AllocationRefused as refused:
            form.add_error(None, str(refused))
            replace_input(form, "seen_allocation", seen)
        else:
            messages.success(request, f"Allocated to {form.cleaned_data['grouping'].name}.")
            return redirect("assessments:case_detail", pk=case.pk)
    context = {
        "case": case,
        "current_view": current_view,
        "sections": answered_sections(current_view.ratings()),
        "corrections": selectors.corrections_of(current_view),
        "suggestion": suggestion,
        "explanation": selectors.explanation(suggestion),
        "estimates": allocation_help.estimates(case, current_view),
        "form": form,
        "current_allocation": current_allocation,
        "seen_allocation": seen,
    }
    record(Action.VIEW_CASE, by=request.user, target=current_view, case=case)
    return render(request, "groupings/current_view_detail.html", context)


def _id_of(text: str | None) -> int | None:
    """A row id given as a request parameter, or None for anything that is not one (never a 500)."""
    if text and text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def _chosen_rules_version(request: AuthenticatedRequest, rules_versions) -> RulesVersion:
    """The rules version asked for (`rules_version=<id>`), or the current one."""
    requested = _id_of(request.GET.get("rules_version"))
    chosen = rules_versions.filter(pk=requested).first() if requested is not None else None
    return chosen or selectors.current_rules_version()


@manager_page
@require_safe
def regrouping_movement_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The movement table of the page as CSV: counts of open cases in the user's scope, no identifier."""
    chosen = _chosen_rules_version(request, RulesVersion.objects.all())
    rows = movement.named_rows(movement.figures(request.user, chosen).movement, chosen)
    columns = [
        "current_allocation",
        "current_allocation_name",
        "new_suggestion",
        "new_suggestion_name",
        "cases",
        "moves",
    ]
    keys = ["from_code", "from_name", "to_code", "to_name", "cases", "moves"]
    lines = csv_lines(
        columns, ([row[key] if key != "moves" else int(row[key]) for key in keys] for row in rows)
    )
    response = HttpResponse("".join(lines), content_type="text/csv")
    name = slugify(chosen.label) or f"rules-version-{chosen.pk}"
    response["Content-Disposition"] = f'attachment; filename="movement-{name}.csv"'
    record(Action.EXPORT_REPORT, by=request.user, object_type="groupings.movement", object_id=str(chosen.pk))
    return response


@manager_page
@require_http_methods(["GET", "POST"])
def regrouping(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        rules_version = get_object_or_404(RulesVersion, pk=_id_of(request.POST.get("rules_version")))
        run = services.start_regrouping(by=request.user, rules_version=rules_version)
        if run.refused_at:
            messages.warning(
                request,
                f"Re-grouping with {rules_version.label} is queued but not yet sent. {UNREACHABLE_NOW}",
            )
        else:
            messages.success(
                request,
                f"Re-grouping with {rules_version.label} queued. It suggests; it never changes an allocation.",
            )
        return redirect(f"{reverse('groupings:regrouping')}?rules_version={rules_version.pk}&run={run.pk}")
    rules_versions = RulesVersion.objects.order_by("-is_current", "label")
    chosen = _chosen_rules_version(request, rules_versions)
    figures = movement.figures(request.user, chosen)
    table = figures.movement
    context = {
        "rules_versions": rules_versions,
        "chosen": chosen,
        "movement": movement.named_rows(table, chosen),
        "moving": int(table.loc[table["moves"], "cases"].sum()),
        "total": int(table["cases"].sum()),
        "agreement": figures.agreement,
        "runs": RegroupingRun.objects.filter(requested_by=request.user).select_related("rules_version")[:10],
    }
    return render(request, "groupings/regrouping.html", context)
