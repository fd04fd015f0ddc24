from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from accounts import services
from accounts.models import Commissioner, Profession, Provider, Team, User


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
    list_filter = ["role", "is_active", "provider", "commissioner"]
    filter_horizontal = ["teams", "groups", "user_permissions"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Role and scope", {"fields": ("role", "profession", "teams", "provider", "commissioner")}),
        ("Sign-in", {"fields": ("must_change_password",)}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Role and scope", {"fields": ("role", "profession", "provider", "commissioner")}),
    )

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
