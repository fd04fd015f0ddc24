from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts import services
from accounts.audit import Action, AuditEvent, record
from accounts.models import Commissioner, Profession, Provider, Role, Team, User
from camhs_pbr.lib import safe_csv

AUDIT_COLUMNS = [
    "at",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "patient_id",
    "outcome",
    "changed_fields",
    "request_id",
]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provider"]
    list_filter = ["provider"]
    search_fields = ["code", "name"]


@admin.register(Commissioner)
class CommissionerAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(User)
class CamhsUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "provider", "commissioner", "is_active"]
    list_select_related = ["provider", "commissioner"]  # nullable: Django's own select_related() skips them
    list_filter = ["role", "is_active", "provider", "commissioner"]
    # Plain labelled multiple selects: the admin's two-box filter widget puts an aria-label on a bare span
    # (an ARIA error screen readers trip over), so it is not used.
    filter_horizontal = ()
    readonly_fields = ["last_login", "date_joined"]  # set by the system, never typed in
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Role and scope", {"fields": ("role", "profession", "teams", "provider", "commissioner")}),
        ("Sign-in", {"fields": ("must_change_password",)}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Role and scope", {"fields": ("role", "profession", "provider", "commissioner")}),
    )
    actions = ["unlock_logins", "issue_enrolment_codes"]

    @admin.action(description="Issue a code to set up an authenticator app", permissions=["change"])
    def issue_enrolment_codes(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Shown once on the page this answers with, never stored in the clear."""
        codes, refused = [], []
        for user in queryset.order_by("username"):
            try:
                codes.append((user, services.issue_enrolment_code(user=user, by=request.user)))  # type: ignore[arg-type]
            except services.EnrolmentRefused as reason:
                refused.append(f"{user.username}: {reason}")
        for message in refused:
            self.message_user(request, message, level=messages.ERROR)
        if not codes:
            return None
        context = {**self.admin_site.each_context(request), "codes": codes, "title": "Enrolment codes"}
        return TemplateResponse(request, "admin/accounts/user/enrolment_codes.html", context)

    @admin.action(description="Unlock login of selected users", permissions=["change"])
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.unlock_login(user=user, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Unlocked the login of {len(queryset)} user(s).")

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            services.password_set_by_administrator(user=obj, by=request.user)  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                services.password_set_by_administrator(user=user, by=request.user)  # type: ignore[arg-type]
        return response


class RoleAtTheTimeFilter(admin.SimpleListFilter):
    """The role an event's user had; events with no signed-in user (failed logins) have their own name."""

    title = "role at the time"
    parameter_name = "role"
    NO_USER = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*Role.choices, (self.NO_USER, "No signed-in user")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(role="" if value == self.NO_USER else value)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail for administrators: browse, filter, search and export; nobody adds, edits or deletes."""

    list_display = ["at", "username", "role", "action", "object_type", "object_id", "case_id", "outcome"]
    list_filter = ["action", "outcome", RoleAtTheTimeFilter, "at"]
    search_fields = ["username", "=object_id", "=case_id", "=patient_id", "=request_id"]
    date_hierarchy = "at"
    # A filtered list counts the events it matches, not the whole trail beside them as well ("5 results (12,345,678
    # total)"): the trail grows by a row for every page anyone opens, and counting it is a scan of the table.
    show_full_result_count = False
    readonly_fields = [*AUDIT_COLUMNS, "user"]
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    @admin.action(description="Export selected audit events (CSV)", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        writer = safe_csv.writer(response)
        writer.writerow(AUDIT_COLUMNS)
        for row in queryset.order_by("at", "pk").values_list(*AUDIT_COLUMNS):
            writer.writerow([";".join(value) if isinstance(value, list) else value for value in row])
        record(Action.EXPORT_AUDIT, by=request.user, object_type="accounts.auditevent")
        return response
