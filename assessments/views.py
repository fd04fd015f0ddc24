"""Clinician pages: caseload, case page, and forms to add patients, referrals and contacts."""

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest, case_level_page
from accounts.audit import Action, record
from assessments import case_page, caseload_search, limits, outcomes, selectors, services
from assessments.forms import (
    CaseloadSearchForm,
    ContactCorrectionForm,
    ContactForm,
    DischargeForm,
    PatientForm,
    ReferralForm,
    ReopenForm,
    show_conflict,
)
from assessments.models import Case, Patient
from assessments.selectors import visible_case
from assessments.submissions import create_once, made_before

PAGE_SIZE = 50


def read_only_redirect(request: AuthenticatedRequest, case: Case) -> HttpResponse | None:
    """For a page that changes a referral or adds a contact: back to the case page when the referral came from
    the records system (corrections are made there and arrive with the next extract)."""
    if not case.from_records_system:
        return None
    messages.warning(request, limits.FROM_RECORDS_SYSTEM)
    return redirect("assessments:case_detail", pk=case.pk)


def closed_case_redirect(request: AuthenticatedRequest, case: Case) -> HttpResponse | None:
    """For a page that records something on a case: back to the case page when the case is closed."""
    if case.is_open:
        return None
    messages.warning(request, limits.CASE_CLOSED)
    return redirect("assessments:case_detail", pk=case.pk)


SEARCHES_KEPT = 10  # searches a session keeps for paging and sorting


def _remember_search(request: AuthenticatedRequest, query: str) -> str:
    """Keep a search in the session under a new opaque token (the last SEARCHES_KEPT are kept)."""
    searches = dict(request.session.get("caseload_searches", {}))
    token = secrets.token_urlsafe(6)
    searches[token] = query
    request.session["caseload_searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


@case_level_page
@require_http_methods(["GET", "POST"])
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    # A search is POSTed and kept in the session under a token, so that an NHS number or a name never appears
    # in a URL or an access log; the token's links page and sort the results.
    sort = caseload_search.sort_or_default(request.GET.get("sort"))
    if request.method == "POST":
        form = CaseloadSearchForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data["q"]:
                return redirect(f"{request.path}?{urlencode({'sort': sort})}")
            token = _remember_search(request, form.cleaned_data["q"])
            return redirect(f"{request.path}?{urlencode({'search': token, 'sort': sort})}")
        query, token = "", ""
    else:
        token = request.GET.get("search", "")
        query = request.session.get("caseload_searches", {}).get(token, "") if token else ""
        if token and not query:
            messages.info(request, "That search has ended with your earlier session: search again.")
            token = ""
        form = CaseloadSearchForm(initial={"q": query})
    # The page is counted and sliced on case ids (kept, without a search); only its 50 rows are read whole.
    paginator: Paginator[Any] = Paginator(selectors.caseload_ids(request.user, query, sort), PAGE_SIZE)
    numbered = paginator.get_page(request.GET.get("page"))
    page = Page(selectors.caseload_rows(request.user, numbered), numbered.number, paginator)
    kept = {"search": token} if token else {}
    context = {
        "form": form,
        "page": page,
        "query": query,
        "today": timezone.localdate(),
        "columns": case_page.caseload_columns(),
        "panels": [
            render_to_string(panel.template, panel.context(request.user, timezone.localdate()), request)
            for panel in case_page.caseload_panels()
        ],
        "sort_links": {
            column: {
                "url": "?" + urlencode({**kept, "sort": caseload_search.next_sort(sort, column)}),
                "aria_sort": caseload_search.aria_sort(sort, column),
            }
            for column in ("name", "team", "referred")
        },
        "page_query": urlencode({**kept, "sort": sort}),
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
        "reopenings": case.reopenings.select_related("reopened_by"),
    }
    record(Action.VIEW_CASE, by=request.user, target=case, case=case)
    return render(request, "assessments/case_detail.html", context)


@case_level_page
@require_http_methods(["GET", "POST"])
def patient_create(request: AuthenticatedRequest) -> HttpResponse:
    if isinstance(earlier := made_before(by=request.user, key=request.POST.get("submission_key")), Patient):
        return redirect("assessments:referral_create", patient_pk=earlier.pk)
    providers = selectors.registering_providers(request.user)
    if not providers.exists():
        raise PermissionDenied("Patients are registered by staff of a provider's team.")
    form = PatientForm(request.POST or None, providers=providers, user=request.user)
    if request.method == "POST" and form.is_valid():
        provider = form.chosen_provider()
        fields = form.cleaned_data
        key = fields.pop("submission_key")
        fields.pop("provider", None)
        try:
            patient = create_once(
                by=request.user,
                key=key,
                create=lambda: services.register_patient(by=request.user, provider=provider, **fields),
            )
        except services.RecordRefused as refused:
            form.add_error("nhs_number", str(refused))
        else:
            messages.success(request, f"{patient.full_name} registered. Now record the referral.")
            return redirect("assessments:referral_create", patient_pk=patient.pk)
    return render(request, "assessments/patient_form.html", {"form": form})


@case_level_page
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_pk)
    if isinstance(earlier := made_before(by=request.user, key=request.POST.get("submission_key")), Case):
        return redirect("assessments:case_detail", pk=earlier.pk)
    form = ReferralForm(request.POST or None, patient=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.cleaned_data
            key = fields.pop("submission_key")
            case = create_once(
                by=request.user,
                key=key,
                create=lambda: services.open_referral(by=request.user, patient=patient, **fields),
            )
        except (services.CaseConflict, services.RecordRefused) as conflict:
            form.add_error("team", str(conflict))
        else:
            messages.success(request, "Referral recorded.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/referral_form.html", {"form": form, "patient": patient})


@case_level_page
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if refused := read_only_redirect(request, case) or closed_case_redirect(request, case):
        return refused
    form = ContactForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.cleaned_data
            key = fields.pop("submission_key")
            create_once(
                by=request.user,
                key=key,
                create=lambda: services.record_contact(by=request.user, case=case, **fields),
            )
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Contact recorded.")
            return redirect("assessments:case_detail", pk=case.pk)
    title = f"Add a contact for {case.patient.full_name}"
    context = {"form": form, "case": case, "title": title, "submit": "Record contact"}
    return render(request, "assessments/contact_form.html", context)


@case_level_page
@require_http_methods(["GET", "POST"])
def contact_correct(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    contact = get_object_or_404(case.contacts.select_related("case"), pk=contact_pk)
    if closed := closed_case_redirect(request, case):
        return closed
    form = ContactCorrectionForm(request.POST or None, contact=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_contact(by=request.user, contact=contact, **form.details())
        except services.EditConflict as conflict:
            show_conflict(form, str(conflict), conflict.current_version)
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Contact corrected; the earlier version is kept on the case page.")
            return redirect("assessments:case_detail", pk=case.pk)
    context = {
        "form": form,
        "case": case,
        "title": f"Correct the contact of {timezone.localtime(contact.starts_at):%d/%m/%Y %H:%M}",
        "submit": "Save the correction",
    }
    return render(request, "assessments/contact_form.html", context)


@case_level_page
@require_http_methods(["GET", "POST"])
def case_discharge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if refused := read_only_redirect(request, case):
        return refused
    if request.method == "GET" and not case.is_open:
        messages.info(request, "This case is already closed.")
        return redirect("assessments:case_detail", pk=case.pk)
    # The form edits its own copy: the page keeps showing the case as it is stored.
    form = DischargeForm(request.POST or None, instance=visible_case(request.user, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.discharge_case(by=request.user, case=case, **form.cleaned_data)
        except services.EditConflict as conflict:
            show_conflict(form, str(conflict), conflict.current_version)
        except services.RecordRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Case closed.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/discharge_form.html", {"form": form, "case": case})


@case_level_page
@require_http_methods(["GET", "POST"])
def case_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request.user, pk)
    if refused := read_only_redirect(request, case):
        return refused
    if request.method == "GET" and case.is_open:
        messages.info(request, "This case is open.")
        return redirect("assessments:case_detail", pk=case.pk)
    form = ReopenForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_case(by=request.user, case=case, **form.cleaned_data)
        except services.EditConflict as conflict:
            show_conflict(form, str(conflict), conflict.current_version)
        except (services.RecordRefused, services.CaseConflict) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Case reopened.")
            return redirect("assessments:case_detail", pk=case.pk)
    return render(request, "assessments/reopen_form.html", {"form": form, "case": case})
