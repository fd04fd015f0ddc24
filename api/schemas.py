"""The shapes of the API's bodies for its OpenAPI schema (drf-spectacular): documentation, not parsing.

The endpoints read their bodies themselves (api/suggestions.py), as fast as the engine; these serializers
only describe them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from assessments.current_view_items import ITEMS
from assessments.models import CurrentViewReason

RULES_VERSION = OpenApiParameter(
    "rules_version", str, description="The label of a rules version (default: the current one)."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="Any text up to 200 characters, new for each Current View: a retried call stores nothing twice.",
)

PAGE = OpenApiParameter("page", int, description="The page of 1,000 rows (default 1).")
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, location=OpenApiParameter.HEADER, description="The ETag of an earlier answer."
)


@extend_schema_field(OpenApiTypes.STR)
class AnswerField(serializers.Field):
    """A word of the form ("Mild", "Not known", "Yes"), a stored code (0-3; 1/0) or null."""


class Items(serializers.Serializer):
    """Current View answers by item id; an item left out is Not known (suggestions only)."""

    def get_fields(self) -> dict:
        return {item.id: AnswerField(required=False, allow_null=True, help_text=item.name) for item in ITEMS}


class View(serializers.Serializer):
    items = Items()
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, help_text="Completed years.")


class SuggestRequest(serializers.Serializer):
    """Either one view (`items`, `age`) or `views`, a list of 1 to 1,000."""

    items = Items(required=False)
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    views = View(many=True, required=False)


class Suggestion(serializers.Serializer):
    grouping = serializers.CharField(allow_null=True, help_text="Null: not enough information.")
    add_on_grouping = serializers.CharField(allow_null=True)
    rule = serializers.CharField()
    rule_text = serializers.CharField()
    rules_version = serializers.CharField()
    complexity_count = serializers.IntegerField()
    attendance_flag = serializers.BooleanField()
    risk_flag = serializers.BooleanField()


class SuggestResponse(serializers.Serializer):
    """`suggestion` for one view, or `suggestions` in the order of `views`."""

    suggestion = Suggestion(required=False)
    suggestions = Suggestion(many=True, required=False)


class Errors(serializers.Serializer):
    """Each bad field (e.g. `views[3].items.p01`) with what is wrong with it."""

    field = serializers.ListField(child=serializers.CharField(), required=False)


class CaseRow(serializers.Serializer):
    ref = serializers.CharField(help_text="The case reference, e.g. C000123.")
    team = serializers.CharField()
    team_name = serializers.CharField()
    referral_date = serializers.DateField()
    closed_date = serializers.DateField(allow_null=True)


class CasePage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseRow(many=True)


class CurrentViewRequest(serializers.Serializer):
    """Every item is answered, Not known included, as on the form."""

    completed_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=CurrentViewReason.choices)
    practitioner = serializers.CharField(help_text="Username of a clinician of the case's team.")
    items = Items()


class StoredCurrentView(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField()
    completed_on = serializers.DateField()
    reason = serializers.CharField()


class CurrentViewResponse(serializers.Serializer):
    current_view = StoredCurrentView()
    suggestion = Suggestion()


class Figures(serializers.Serializer):
    """The rows of a report run as its CSV has them: `*` where disclosure control hides a figure."""

    report = serializers.CharField()
    scope_kind = serializers.CharField()
    scope_code = serializers.CharField()
    period = serializers.CharField(help_text="YYYY-MM")
    rules_version = serializers.CharField()
    data_as_of = serializers.DateTimeField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row, by column.")


class Allocation(serializers.Serializer):
    grouping = serializers.CharField()
    add_on_grouping = serializers.CharField(allow_null=True)
    rules_version = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    review_due = serializers.DateField()
    suggested_grouping = serializers.CharField(allow_null=True)
    reason_category = serializers.CharField()


class AllocationList(serializers.Serializer):
    case = serializers.CharField()
    allocations = Allocation(many=True)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.access.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key made by an administrator: `Authorization: Bearer cpbr_...`.",
        }


def fhir_operation_paths(result: dict, generator: object, request: object, public: bool) -> dict:
    """Keep the `$` of a FHIR operation's path (`$suggest`), which the schema's path reading drops."""
    result["paths"] = {
        path.replace("/QuestionnaireResponse/suggest", "/QuestionnaireResponse/$suggest"): item
        for path, item in result["paths"].items()
    }
    return result
