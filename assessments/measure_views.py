"""Clinician pages of outcome measures: record, correct, and agree goals."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest, case_level_page
from assessments import measures, services
from assessments.forms import show_conflict
from assessments.measure_forms import GoalForm, MeasureForm
from assessments.models import Informant, MeasureItemWording
from assessments.selectors import visible_case
from assessments.submissions import create_once
from assessments.views import closed_case_redirect


@case_level_page
@require_http_methods(["GET", "POST"])
def measure_create(request: AuthenticatedRequest, pk: int, measure: str, informant: str) -> HttpResponse:
    case = visible_case(request.user, pk)
    spec = measures.MEASURES.get(measure)
    if spec is None or informant not in spec.informants:
        raise Http404("No such measure or informant")
    if closed := closed_case_redirect(request, case):
        return closed
    form = MeasureForm(
        request.POST or None,
        case=case,
        measure=measure,
        informant=informant,
        wording=MeasureItemWording.objects.wording_of(measure, informant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            answers, completed_on = form.answers(), form.cleaned_data["completed_on"]
            create_once(
                by=request.user,
                key=form.cleaned_data["submission_key"],
                create=lambda: services.record_measure(
                    by=request.user,
                    case=case,
                    measure=measure,
                    informant=informant,
                    completed_on=completed_on,
                    answers=answers,
                ),
            )
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{spec.label} saved and scored.")
            return redirect("assessments:case_detail", pk=case.pk)
    title = f"{spec.label} ({Informant(informant).label})"
    return render(request, "assessments/measure_form.html", {"form": form, "case": case, "title": title})


@case_level_page
@require_http_methods(["GET", "POST"])
def measure_correct(request: AuthenticatedRequest, pk: int, response_pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    response = get_object_or_404(case.measure_responses, pk=response_pk)
    if closed := closed_case_redirect(request, case):
        return closed
    form = MeasureForm(
        request.POST or None,
        initial={"completed_on": response.completed_on},
        case=case,
        measure=response.measure,
        informant=response.informant,
        answers=response.typed_answers(),
        version=response.version,
        wording=MeasureItemWording.objects.wording_of(response.measure, response.informant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_measure(
                by=request.user,
                response=response,
                answers=form.answers(),
                completed_on=form.cleaned_data["completed_on"],
                version=form.cleaned_data["version"],
            )
        except services.EditConflict as conflict:
            show_conflict(form, str(conflict), conflict.current_version)
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Answers corrected and scores recomputed.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(
        request, "assessments/measure_form.html", {"form": form, "case": case, "title": f"Correct {response}"}
    )


@case_level_page
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if closed := closed_case_redirect(request, case):
        return closed
    form = GoalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            goal = form.goal()
            create_once(
                by=request.user,
                key=form.cleaned_data["submission_key"],
                create=lambda: services.set_goal(by=request.user, case=case, **goal),
            )
        except services.EditConflict as conflict:
            form.show_conflict(str(conflict), conflict.current_version)
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Goal agreed.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/goal_form.html", {"form": form, "case": case})
