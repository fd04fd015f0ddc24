from django.contrib import admin

from reports.models import ReferenceContactCost, ReportRun, UnitCost


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ["profession", "valid_from", "hourly_cost", "price_base_year"]
    list_filter = ["profession", "price_base_year"]


@admin.register(ReferenceContactCost)
class ReferenceContactCostAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "contact_cost", "price_base_year"]


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Runs are made by the scheduler and the reports pages; the admin only shows them."""

    list_display = [
        "report",
        "period",
        "scope_kind",
        "scope_code",
        "rules_version",
        "status",
        "rows",
        "finished_at",
    ]
    list_filter = ["report", "status", "scope_kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
