"""Pages of second-rater audits. Managers start an audit, ask second raters, read the agreement and close it;
a second rater rates the cases assigned to them, blind: the first rating, the allocation and the rules'
suggestion are not sent to their browser until they have submitted their own."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import AuthenticatedRequest, case_level_page, manager_page
from accounts.audit import Action, record
from assessments.current_view_answers import answered_sections
from assessments.validation import age_in_years
from camhs_pbr.lib import vega
from camhs_pbr.lib.safe_csv import csv_lines
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from consistency import agreement_runs, selectors, services
from consistency.audit_agreement import AuditAgreement
from consistency.differences import differences
from consistency.forms import AssignmentForm, GroupingChoiceForm, StartAuditForm
from consistency.models import AgreementRun, AgreementSubject, Audit, AuditCase, Vignette, VignetteRating
from groupings import rules
from groupings.rules import pair_code
from groupings.selectors import NoSuchRulesVersion, current_rules_version, explanation
from reports import charts


@manager_page
@require_http_methods(["GET", "POST"])
def audits(request: AuthenticatedRequest) -> HttpResponse:
    form = StartAuditForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            audit = services.start_audit(
                by=request.user,
                team=fields["team"],
                period_from=fields["period_from"],
                period_to=fields["period_to"],
                size=fields["size"],
                method=fields["method"],
                seed=fields["seed"],
            )
        except services.AuditRefused as refused:
            form.add_error(None, f"The audit was not started. {refused}")
        else:
            if audit.refused_at:
                messages.warning(request, f"Audit {audit.pk} is queued but not yet sent. {UNREACHABLE_NOW}")
            else:
                messages.success(request, f"Audit {audit.pk} is sampling its allocations.")
            return redirect("consistency:audit", pk=audit.pk)
    listed = selectors.audits_for(request.user).select_related("team", "requested_by")[:50]
    return render(request, "consistency/audits.html", {"form": form, "audits": listed})


def _audit(request: AuthenticatedRequest, pk: int) -> Audit:
    return get_object_or_404(selectors.audits_for(request.user).select_related("team", "requested_by"), pk=pk)


@manager_page
@require_safe
def audit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    cases = list(
        selectors.audit_cases_for_manager(request.user, audit).select_related(
            "allocation__suggestion__current_view"
        )
    )
    form = AssignmentForm(
        cases=[c for c in cases if not hasattr(c, "rating")],
        raters=list(selectors.second_raters_for(request.user)),
    )
    return _audit_page(request, audit, cases, form)


def _audit_page(
    request: AuthenticatedRequest,
    audit: Audit,
    cases: list[AuditCase],
    form: AssignmentForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "audit": audit,
        "cases": cases,
        "form": form,
        "rated": sum(1 for c in cases if hasattr(c, "rating")),
    }
    fragment = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "consistency/_audit_body.html" if fragment else "consistency/audit.html",
        context,
        status=status,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@manager_page
@require_POST
def audit_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    cases = list(
        selectors.audit_cases_for_manager(request.user, audit).select_related(
            "allocation__suggestion__current_view"
        )
    )
    form = AssignmentForm(
        request.POST,
        cases=[c for c in cases if not hasattr(c, "rating")],
        raters=list(selectors.second_raters_for(request.user)),
    )
    if form.is_valid():
        try:
            changed = services.assign_second_raters(by=request.user, audit=audit, choices=form.choices())
        except services.AuditRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{changed} case{'s' if changed != 1 else ''} assigned.")
            return redirect("consistency:audit", pk=audit.pk)
    return _audit_page(request, audit, cases, form, status=400)


@manager_page
@require_POST
def audit_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    try:
        services.close_audit(by=request.user, audit=audit)
    except services.AuditRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Audit {audit.pk} is closed: its second raters can no longer open its cases."
        )
    return redirect("consistency:audit", pk=audit.pk)


@manager_page
@require_http_methods(["GET", "POST"])
def audit_agreement_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    return _agreement_page(request, AgreementSubject.AUDIT, audit)


@manager_page
@require_http_methods(["GET", "POST"])
def agreement(request: AuthenticatedRequest) -> HttpResponse:
    """Every audit in the manager's scope together: per team and overall."""
    return _agreement_page(request, AgreementSubject.AUDITS, None)


def _recalculate(request: AuthenticatedRequest, subject: str, audit: Audit | None) -> None:
    run = agreement_runs.request_agreement(
        subject=subject, manager=request.user, audit=audit, by=request.user
    )
    if run.refused_at:
        messages.warning(request, f"The figures are queued but not yet sent. {UNREACHABLE_NOW}")
    else:
        messages.success(request, "The figures are being calculated.")


def _agreement_page(request: AuthenticatedRequest, subject: str, audit: Audit | None) -> HttpResponse:
    """The last good figures of the page's run, what a newer run is doing, and a button to recalculate."""
    if request.method == "POST":
        _recalculate(request, subject, audit)
        return redirect(request.path)
    run = selectors.agreement_run(request.user, subject, audit)
    figures = agreement_runs.last_figures(run, request.user)
    context = {
        **_run_context(run, figures is not None),
        "audit": audit,
        "seed": audit.seed if audit else 0,
    }
    if figures is not None:
        context |= _agreement_context(figures, f"audit {audit.pk}" if audit else "all your audits")
    return render(request, "consistency/agreement.html", context)


def _run_context(run: AgreementRun | None, shown: bool) -> dict[str, object]:
    return {
        "run": run,
        "shown": shown,
        "stale_scope": run is not None and run.has_result and not shown,
        "in_progress": run is not None and run.unfinished,
    }


def _agreement_context(figures: AuditAgreement, which: str) -> dict[str, object]:
    """The figures and their confusion chart (drawn on the server)."""
    chart = charts.confusion_chart(
        key="confusion",
        title="Groupings of the first and the second rater",
        when=which,
        categories=figures.confusion.categories,
        counts=[counts for _, counts, _ in figures.confusion.rows],
        rows_label="First rater",
        columns_label="Second rater",
    )
    return {"agreement": figures, "confusion_chart": vega.drawn(chart)}


@case_level_page
@require_safe
def my_audit_cases(request: AuthenticatedRequest) -> HttpResponse:
    cases = selectors.cases_to_rate(request.user).order_by("audit_id", "pk")
    return render(request, "consistency/my_audit_cases.html", {"cases": cases})


@case_level_page
@require_http_methods(["GET", "POST"])
def rate_audit_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The blind rating form of one assigned case; once rated, the comparison with the first rating."""
    audit_case = get_object_or_404(
        selectors.cases_to_rate(request.user).select_related(
            "allocation__grouping",
            "allocation__add_on_grouping",
            "allocation__suggestion__rules_version",
            "allocation__suggestion__current_view__case__patient",
            "allocation__suggested_grouping",
            "allocation__suggested_add_on_grouping",
        ),
        pk=pk,
    )
    case = audit_case.case
    if hasattr(audit_case, "rating"):
        record(Action.VIEW_AUDIT_CASE, by=request.user, target=audit_case, case=case)
        return render(request, "consistency/audit_case_rated.html", _revealed(audit_case))
    try:
        version = current_rules_version()
    except NoSuchRulesVersion:
        raise Http404("No rules version is current.") from None
    form = GroupingChoiceForm(request.POST if request.method == "POST" else None, rules_version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_audit_rating(
                by=request.user,
                audit_case=audit_case,
                ratings=form.ratings(),
                grouping=form.cleaned_data["grouping"],
                add_on_grouping=form.cleaned_data["add_on_grouping"],
            )
        except services.AuditRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your rating is saved. Here is how it compares with the first rating.")
            return redirect("consistency:rate_audit_case", pk=audit_case.pk)
    if request.method == "GET":
        record(Action.VIEW_AUDIT_CASE, by=request.user, target=audit_case, case=case)
    view = audit_case.allocation.suggestion.current_view  # type: ignore[union-attr]
    context = {
        "audit_case": audit_case,
        "case": case,
        "age": age_in_years(case.patient.date_of_birth, view.completed_on),
        "rated_on": view.completed_on,
        "form": form,
    }
    return render(request, "consistency/audit_case_form.html", context)


def _revealed(audit_case: AuditCase) -> dict:
    """What a second rater sees once they have rated: both ratings item by item, both groupings, and what the
    rules suggest from each."""
    rating = audit_case.rating
    allocation = audit_case.allocation
    suggestion = allocation.suggestion
    first = suggestion.current_view.ratings()  # type: ignore[union-attr]
    return {
        "audit_case": audit_case,
        "case": audit_case.case,
        "rating": rating,
        "allocation": allocation,
        "suggestion": suggestion,
        "rule_words": explanation(suggestion),
        "differences": differences(first, rating.ratings()),
        "sections": answered_sections(rating.ratings()),
    }


# Training vignettes.


@case_level_page
@require_safe
def vignettes(request: AuthenticatedRequest) -> HttpResponse:
    rated = set(VignetteRating.objects.filter(rated_by=request.user).values_list("vignette_id", flat=True))
    rows = [(vignette, vignette.pk in rated) for vignette in Vignette.objects.all()]
    return render(request, "consistency/vignettes.html", {"rows": rows, "rated": len(rated)})


@case_level_page
@require_http_methods(["GET", "POST"])
def vignette(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Rate a vignette like a Current View; once rated, the reference, the differences and the rule it fires."""
    chosen = get_object_or_404(Vignette, pk=pk)
    rating = (
        VignetteRating.objects.filter(vignette=chosen, rated_by=request.user)
        .select_related("grouping", "add_on_grouping")
        .first()
    )
    try:
        version = current_rules_version()
    except NoSuchRulesVersion:
        raise Http404("No rules version is current.") from None
    if rating is not None:
        ruleset = version.ruleset()
        outcome = rules.suggest(chosen.ratings(), ruleset)
        context = {
            "vignette": chosen,
            "rating": rating,
            "yours": pair_code(
                rating.grouping.code, rating.add_on_grouping.code if rating.add_on_grouping else None
            ),
            "differences": differences(chosen.ratings(), rating.ratings()),
            "rule": outcome.rule,
            "rule_words": rules.explain(outcome, ruleset),
            "rules_version": version,
        }
        return render(request, "consistency/vignette_rated.html", context)
    form = GroupingChoiceForm(request.POST if request.method == "POST" else None, rules_version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_vignette_rating(
                by=request.user,
                vignette=chosen,
                ratings=form.ratings(),
                grouping=form.cleaned_data["grouping"],
                add_on_grouping=form.cleaned_data["add_on_grouping"],
            )
        except services.AuditRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("consistency:vignette", pk=chosen.pk)
    return render(request, "consistency/vignette_form.html", {"vignette": chosen, "form": form})


@case_level_page
@require_safe
def vignette_record(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in clinician's record of the vignettes they rated, for their training record (CSV)."""
    response = HttpResponse(
        "".join(csv_lines(selectors.RECORD_COLUMNS, selectors.training_record(request.user))),
        content_type="text/csv",
    )
    response["Content-Disposition"] = 'attachment; filename="vignette-training-record.csv"'
    record(Action.EXPORT_VIGNETTE_RECORD, by=request.user, object_type="consistency.vignetterating")
    return response


@manager_page
@require_http_methods(["GET", "POST"])
def vignette_agreement(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        _recalculate(request, AgreementSubject.VIGNETTES, None)
        return redirect(request.path)
    run = selectors.agreement_run(request.user, AgreementSubject.VIGNETTES)
    sets = agreement_runs.last_figures(run, request.user)
    context = {**_run_context(run, sets is not None), "sets": sets or []}
    return render(request, "consistency/vignette_agreement.html", context)
