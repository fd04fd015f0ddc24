"""Clinician pages: caseload, case page, and forms to add patients, referrals and contacts."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest, case_level_page
from accounts.audit import Action, record
from assessments import case_page, outcomes, selectors, services
from assessments.forms import CaseloadSearchForm, ContactForm, DischargeForm, PatientForm, ReferralForm
from assessments.models import Patient
from assessments.selectors import visible_case

PAGE_SIZE = 50


@case_level_page
@require_http_methods(["GET", "POST"])
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    # Searches are POSTed so that an NHS number never appears in a URL or an access log.
    form = CaseloadSearchForm(request.POST or None)
    query = form.cleaned_data["q"] if request.method == "POST" and form.is_valid() else ""
    page = Paginator(selectors.caseload(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query,
        "today": timezone.localdate(),
        "columns": case_page.caseload_columns(),
    }
    # The search terms are not recorded: they are names or NHS numbers.
    record(Action.SEARCH_CASELOAD if query else Action.VIEW_CASELOAD, by=request.user)
    return render(request, "assessments/caseload.html", context)


@case_level_page
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    today = timezone.localdate()
    context = {
        "case": case,
        "panels": [
            render_to_string(panel.template, {"case": case, **panel.context(case, today)}, request)
            for panel in case_page.case_panels()
        ],
        "patient": case.patient,
        "other_cases": selectors.other_cases_of_patient(request.user, case),
        "contacts": selectors.contacts_of(case),
        "outcome_histories": outcomes.histories(case),
        "measure_links": selectors.measure_links(),
        "goals": case.goals.select_related("recorded_by"),
    }
    record(Action.VIEW_CASE, by=request.user, target=case, case=case)
    return render(request, "assessments/case_detail.html", context)


@case_level_page
@require_http_methods(["GET", "POST"])
def patient_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.register_patient(by=request.user, **form.cleaned_data)
        messages.success(request, f"{patient.full_name} registered. Now record the referral.")
        return redirect("assessments:referral_create", patient_pk=patient.pk)
    return render(request, "assessments/patient_form.html", {"form": form})


@case_level_page
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_pk)
    form = ReferralForm(request.POST or None, patient=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_referral(by=request.user, patient=patient, **form.cleaned_data)
        except services.CaseConflict as conflict:
            form.add_error("team", str(conflict))
        else:
            messages.success(request, "Referral recorded.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/referral_form.html", {"form": form, "patient": patient})


@case_level_page
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    form = ContactForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.record_contact(by=request.user, case=case, **form.cleaned_data)
        messages.success(request, "Contact recorded.")
        return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/contact_form.html", {"form": form, "case": case})


@case_level_page
@require_http_methods(["GET", "POST"])
def case_discharge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if not case.is_open:
        messages.info(request, "This case is already closed.")
        return redirect("assessments:case_detail", pk=case.pk)
    form = DischargeForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        services.discharge_case(by=request.user, case=case, **form.cleaned_data)
        messages.success(request, "Case closed.")
        return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/discharge_form.html", {"form": form, "case": case})
