"""The API's endpoints (/api/v1/): thin, as the pages are; the same selectors, services and scoping rule."""

import datetime as dt
import json
import uuid
from hashlib import sha256
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, pagination
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import Action, record
from accounts.models import CLINICAL_ROLES, Role, Team, User
from api import fhir, reference, schemas
from api.access import ApiKeyAuthentication, HasScope, PerKeyRateThrottle
from api.parsing import LimitedJSONParser, body_of
from api.scopes import Scope
from api.suggestions import Invalid, read_one, read_ratings, read_views, suggestions
from assessments import caseload_search, validation
from assessments.caseload_search import case_reference
from assessments.models import Case, CurrentViewReason
from assessments.services import RecordRefused
from assessments.submissions import create_once, made_before
from groupings import selectors
from groupings import services as grouping_services
from groupings.models import Suggestion
from groupings.rules import RuleSet
from reports import access as report_access
from reports import selectors as report_selectors
from reports.exports import plain_rows
from reports.periods import Month

_RULESETS: dict[tuple[int, str], RuleSet] = {}
# Idempotency keys of the API are any text; create_once keys are UUIDs: one name-based UUID per text.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d3f0e-8f5b-4c8e-9a61-3b0e2f6c9d41")


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [PerKeyRateThrottle]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    required_scope: str | None = None
    roles: tuple[str, ...] | None = None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def invalid(errors: dict[str, str]) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message] for field, message in errors.items()})


def ruleset_asked(request: Request) -> RuleSet:
    """The rules version of `?rules_version=LABEL` (the current one without it), parsed once per process."""
    label = request.query_params.get("rules_version")
    try:
        version = selectors.rules_version_labelled(label)
    except selectors.NoSuchRulesVersion as missing:
        raise invalid({"rules_version": str(missing)}) from missing
    key = (version.pk, sha256(json.dumps(version.rules_definition, sort_keys=True).encode()).hexdigest())
    ruleset = _RULESETS.get(key)
    if ruleset is None or ruleset.version != version.label:
        ruleset = _RULESETS[key] = version.ruleset()
    return ruleset


class SuggestionsView(ApiView):
    required_scope = Scope.GROUPING

    @extend_schema(
        operation_id="suggest",
        summary="Suggest groupings for one Current View or up to 1,000",
        description="Nothing is stored. Answers are the form's words, the stored codes or null (Not known); "
        "an item left out is Not known.",
        parameters=[schemas.RULES_VERSION],
        request=schemas.SuggestRequest,
        responses={200: schemas.SuggestResponse, 400: schemas.Errors},
    )
    def post(self, request: Request) -> Response:
        body = body_of(request)
        if isinstance(body, dict) and "views" in body:
            if set(body) != {"views"}:
                raise invalid({"body": "send either `views` or one view's `items` and `age`"})
            try:
                codes, ages = read_views(body["views"])
            except Invalid as bad:
                raise invalid(bad.errors) from bad
            return Response({"suggestions": suggestions(codes, ages, ruleset_asked(request))})
        try:
            codes, ages = read_one(body)
        except Invalid as bad:
            raise invalid(bad.errors) from bad
        return Response({"suggestion": suggestions(codes, ages, ruleset_asked(request))[0]})


class CasePages(pagination.PageNumberPagination):
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


def case_of(user: User, ref: str) -> Case:
    """A case in the caller's scope by its reference (C000123); 404 for any other, as on the pages."""
    query = caseload_search.parse(ref)
    if query.kind != "reference" or not isinstance(query.value, int):
        raise Http404
    case = Case.objects.visible_to(user).select_related("team").filter(pk=query.value).first()
    if case is None:
        raise Http404
    return case


class CaseListView(ApiView):
    required_scope = Scope.RECORDS_READ
    roles = CLINICAL_ROLES

    @extend_schema(
        operation_id="cases", summary="The cases in the caller's scope, paged", responses=schemas.CasePage
    )
    def get(self, request: Request) -> Response:
        cases = Case.objects.visible_to(request.user).select_related("team").order_by("-referral_date", "pk")
        pages = CasePages()
        page = pages.paginate_queryset(cases, request, view=self) or []
        record(Action.VIEW_CASELOAD, by=request.user, object_type="api.cases")
        return pages.get_paginated_response(
            [
                {
                    "ref": case_reference(case.pk),
                    "team": case.team.code,
                    "team_name": case.team.name,
                    "referral_date": case.referral_date,
                    "closed_date": case.closed_date,
                }
                for case in page
            ]
        )


def suggestion_data(suggestion: Suggestion) -> dict[str, Any]:
    """A stored suggestion as the suggestions endpoint gives one (and the page shows it)."""
    return {
        "grouping": suggestion.grouping.code if suggestion.grouping else None,
        "add_on_grouping": suggestion.add_on_grouping.code if suggestion.add_on_grouping else None,
        "rule": suggestion.rule,
        "rule_text": selectors.explanation(suggestion),
        "rules_version": suggestion.rules_version.label,
        "complexity_count": suggestion.complexity_count,
        "attendance_flag": suggestion.attendance_flag,
        "risk_flag": suggestion.risk_flag,
    }


def _date(value: Any) -> dt.date | None:
    if not (isinstance(value, str) and len(value) == 10):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


class CurrentViewCreateView(ApiView):
    required_scope = Scope.GROUPING
    roles = CLINICAL_ROLES

    @extend_schema(
        operation_id="store_current_view",
        summary="Store a Current View of a case, and its suggestion",
        description="The `Idempotency-Key` header (any text up to 200 characters) is required: a call "
        "repeated with the same key stores nothing more and answers what the first stored.",
        parameters=[schemas.IDEMPOTENCY_KEY],
        request=schemas.CurrentViewRequest,
        responses={201: schemas.CurrentViewResponse, 200: schemas.CurrentViewResponse, 400: schemas.Errors},
    )
    def post(self, request: Request, ref: str) -> Response:
        case = case_of(request.user, ref)
        key_text = request.headers.get("Idempotency-Key", "").strip()
        if not key_text or len(key_text) > 200:
            raise invalid({"Idempotency-Key": "send a header Idempotency-Key of 1 to 200 characters"})
        key = uuid.uuid5(_IDEMPOTENCY_NAMESPACE, key_text)
        fields = self.parsed(body_of(request), case)
        repeat = made_before(by=request.user, key=str(key)) is not None
        try:
            current_view = create_once(
                by=request.user,
                key=key,
                create=lambda: grouping_services.record_and_suggest(by=request.user, case=case, **fields)[0],
            )
        except RecordRefused as refused:
            raise invalid({"body": str(refused)}) from refused
        if current_view.case_id != case.pk:
            raise invalid({"Idempotency-Key": "this key was used for a Current View of another case"})
        suggestion = selectors.suggestion_for(current_view, selectors.current_rules_version())
        return Response(
            {
                "current_view": {
                    "id": current_view.pk,
                    "case": case_reference(case.pk),
                    "completed_on": current_view.completed_on,
                    "reason": current_view.reason,
                },
                "suggestion": suggestion_data(suggestion),
            },
            status=200 if repeat else 201,
        )

    def parsed(self, body: Any, case: Case) -> dict[str, Any]:
        """The service's arguments from the body, or 400 naming each bad field."""
        if not isinstance(body, dict):
            raise invalid({"body": "expected an object"})
        ratings, errors = read_ratings(body.get("items"))
        unknown = set(body) - {"items", "completed_on", "reason", "practitioner"}
        if unknown:
            errors[sorted(map(str, unknown))[0][:20]] = "unknown field"
        completed_on = _date(body.get("completed_on"))
        if completed_on is None:
            errors["completed_on"] = "expected a date, YYYY-MM-DD"
        elif error := validation.completed_on_error(
            "Current View", completed_on, case.referral_date, timezone.localdate()
        ):
            errors["completed_on"] = error
        reason = body.get("reason")
        if reason not in CurrentViewReason.values:
            errors["reason"] = f"expected one of {', '.join(CurrentViewReason.values)}"
        name = body.get("practitioner")
        practitioner = (
            User.objects.filter(
                username=name, teams=case.team, role__in=CLINICAL_ROLES, is_active=True
            ).first()
            if isinstance(name, str)
            else None
        )
        if practitioner is None:
            errors["practitioner"] = "expected the username of an active clinician of the case's team"
        if errors:
            raise invalid(errors)
        return {
            "completed_on": completed_on,
            "reason": reason,
            "practitioner": practitioner,
            "ratings": ratings,
        }


class AllocationListView(ApiView):
    required_scope = Scope.RECORDS_READ
    roles = CLINICAL_ROLES

    @extend_schema(
        operation_id="allocations",
        summary="A case's allocations, latest first",
        responses=schemas.AllocationList,
    )
    def get(self, request: Request, ref: str) -> Response:
        case = case_of(request.user, ref)
        allocations = selectors.allocation_history(case)
        record(Action.VIEW_CASE, by=request.user, target=case, case=case)
        return Response(
            {
                "case": case_reference(case.pk),
                "allocations": [
                    {
                        "grouping": allocation.grouping.code,
                        "add_on_grouping": allocation.add_on_grouping.code
                        if allocation.add_on_grouping
                        else None,
                        "rules_version": allocation.grouping.rules_version.label,
                        "start_date": allocation.start_date,
                        "end_date": allocation.end_date,
                        "review_due": allocation.review_due,
                        "suggested_grouping": (
                            allocation.suggested_grouping.code if allocation.suggested_grouping else None
                        ),
                        "reason_category": allocation.reason_category,
                    }
                    for allocation in allocations
                ],
            }
        )


@require_safe
def reference_page(request: HttpRequest) -> HttpResponse:
    """The API reference, drawn from the schema of the code: for the engineers of other systems."""
    context = {
        "info": reference.schema()["info"],
        "operations": reference.operations(),
        "shapes": reference.shapes(),
    }
    return render(request, "api/reference.html", context)


class FhirJSONParser(LimitedJSONParser):
    media_type = "application/fhir+json"


class FhirJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class FhirView(ApiView):
    """FHIR R4B endpoints: bodies in application/fhir+json (or plain JSON), every refusal an OperationOutcome."""

    required_scope = Scope.GROUPING
    parser_classes = [FhirJSONParser, LimitedJSONParser]
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        detail = response.data
        if isinstance(detail, dict) and detail.get("resourceType") == "OperationOutcome":
            return response
        if isinstance(detail, dict) and "detail" not in detail:
            problems = {field: " ".join(map(str, messages)) for field, messages in detail.items()}
        else:
            problems = {"request": str(detail.get("detail") if isinstance(detail, dict) else detail)}
        response.data = fhir.outcome(problems)
        return response


class FhirQuestionnaireView(FhirView):
    @extend_schema(
        operation_id="fhir_questionnaire",
        summary="The Current View form as a FHIR R4B Questionnaire",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(fhir.questionnaire())


class FhirSuggestView(FhirView):
    @extend_schema(
        operation_id="fhir_suggest",
        summary="Suggest a grouping for a FHIR R4B QuestionnaireResponse of the Current View",
        description="Answers a Parameters resource with the suggestion (`grouping` absent: not enough "
        "information); an invalid resource answers an OperationOutcome (400).",
        parameters=[schemas.RULES_VERSION],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        try:
            codes, ages = read_one(fhir.view_of(body_of(request)))
        except fhir.FhirInvalid as bad:
            return Response(fhir.outcome(bad.problems), status=400)
        except Invalid as bad:
            return Response(fhir.outcome(bad.errors), status=400)
        return Response(fhir.parameters(suggestions(codes, ages, ruleset_asked(request))[0]))


class FiguresView(ApiView):
    """A report run's rows as its CSV has them, for the caller's role: disclosed for a commissioner."""

    required_scope = Scope.REPORTS_READ
    roles = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.COMMISSIONER)
    page_rows = 1000

    @extend_schema(
        operation_id="figures",
        summary="A report's figures for a month and scope, as its CSV has them, paged",
        description="Send the `ETag` of an earlier answer as `If-None-Match`: an unchanged run answers 304 "
        "without reading its rows.",
        parameters=[schemas.PAGE, schemas.IF_NONE_MATCH],
        responses={200: schemas.Figures, 304: None, 404: schemas.Errors},
    )
    def get(self, request: Request, report: str, scope_kind: str, scope_code: str, period: str) -> Response:
        user = request.user
        if report_access.offer_for(user, report, scope_kind, scope_code) is None:
            raise exceptions.PermissionDenied("This report is not in your scope.")
        try:
            month = Month.of(period)
        except ValueError as error:
            raise invalid({"period": str(error)}) from error
        page = _page_number(request.query_params.get("page"))
        run = report_selectors.run_of(report, month, scope_kind, scope_code)
        if run is None or not run.has_result:  # the last good result, even while it runs again
            raise exceptions.NotFound(f"There is no finished {report} report for {month.label()} yet.")
        teams = Team.objects.ids_in_scope_of(user) if user.role == Role.TEAM_MANAGER else []
        tag = f'"{sha256(f"{run.pk}:{run.data_as_of}:{user.role}:{teams}:{page}".encode()).hexdigest()[:32]}"'
        if tag in [each.strip() for each in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=304, headers={"ETag": tag})
        frame = report_selectors.download_frame(user, run)
        columns = [str(column) for column in frame.columns]
        rows = plain_rows(frame)
        start = (page - 1) * self.page_rows
        shown = rows[start : start + self.page_rows]
        record(Action.EXPORT_REPORT, by=user, target=run)
        more = start + self.page_rows < len(rows)
        return Response(
            {
                "report": report,
                "scope_kind": scope_kind,
                "scope_code": scope_code,
                "period": month.label(),
                "rules_version": run.rules_version.label,
                "data_as_of": run.data_as_of,
                "columns": columns,
                "count": len(rows),
                "page": page,
                "next": request.build_absolute_uri(f"?page={page + 1}") if more else None,
                "rows": [dict(zip(columns, row, strict=True)) for row in shown],
            },
            headers={"ETag": tag},
        )


def _page_number(text: str | None) -> int:
    if text is None:
        return 1
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 6 and int(text) > 0):
        raise invalid({"page": "expected a page number, 1 or more"})
    return int(text)
