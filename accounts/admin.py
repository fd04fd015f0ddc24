from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

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
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Role and scope", {"fields": ("role", "profession", "provider", "commissioner")}),
    )
