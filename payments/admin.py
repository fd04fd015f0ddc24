from django.contrib import admin
from django.http import HttpRequest

from camhs_pbr.admin_mixins import LabelledTabularInline
from payments.models import Challenge, Contract, PlanLine, PriceList, PriceListLine, Statement, StatementLine


class PriceListLineInline(LabelledTabularInline):
    model = PriceListLine
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: PriceList | None = None) -> bool:
        return obj is None or not obj.used_by_agreed_statement

    has_add_permission = has_delete_permission = has_change_permission  # type: ignore[assignment]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    """Prices are versioned: a list an agreed statement used is read-only (the database refuses too)."""

    list_display = ["__str__", "commissioner", "provider", "version", "valid_from", "price_base_year"]
    list_filter = ["commissioner", "provider"]
    inlines = [PriceListLineInline]

    def has_change_permission(self, request: HttpRequest, obj: PriceList | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or not obj.used_by_agreed_statement
        )

    def has_delete_permission(self, request: HttpRequest, obj: PriceList | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.used_by_agreed_statement
        )


class PlanLineInline(LabelledTabularInline):
    model = PlanLine
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "commissioner", "provider", "year_label", "price_list", "outcome_share"]
    list_filter = ["commissioner", "provider", "financial_year"]
    inlines = [PlanLineInline]


class StatementLineInline(LabelledTabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in StatementLine._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Statements are computed by runs and agreed on their page; the admin only shows them."""

    list_display = [
        "__str__",
        "status",
        "payable_ytd",
        "payment_this_month",
        "commissioner_agreed_at",
        "provider_agreed_at",
    ]
    list_select_related = ["contract"]  # the statement's name is its contract's reference and month
    list_filter = ["status", "contract"]
    inlines = [StatementLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["statement", "grouping", "raised_by", "raised_at", "answered_at"]
    readonly_fields = ["statement", "grouping", "reason", "raised_by", "answered_by", "answered_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
