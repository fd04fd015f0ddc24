"""The administrator's pages for API clients and keys: a key's text is shown once, on the page after it is made."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.models import User
from api import services
from api.models import ApiClient, ApiKey
from api.scopes import Scope


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)  # the admin lets only signed-in staff this far


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "commissioner", "created_at"]
    list_select_related = ["provider", "commissioner"]  # nullable: Django's own select_related() skips them
    readonly_fields = ["user", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Who the client belongs to is its scope: fixed once made (a new client for another organisation).
        return ["user", "created_at", "provider", "commissioner"] if obj else ["user", "created_at"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        made = services.create_client(
            by=_person(request), name=obj.name, provider=obj.provider, commissioner=obj.commissioner
        )
        obj.pk, obj.user = made.pk, made.user
        obj.created_at = made.created_at


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["client", "scopes", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["prefix", "client", "scopes", "expires_at", "revoked_at", "created_at"]
    list_filter = ["client"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key is made, then revoked; never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked keys stay, so the audit trail's events keep their key

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        try:
            key, text = services.issue_key(
                by=_person(request),
                client=obj.client,
                scopes=form.cleaned_data["scopes"],
                expires_at=obj.expires_at,
            )
        except services.ClientRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        request._new_api_key = text  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        text = getattr(request, "_new_api_key", None)
        if text is None:
            return super().response_add(request, obj, post_url_continue)
        context = {**self.admin_site.each_context(request), "key": obj, "text": text, "opts": self.opts}
        response = TemplateResponse(request, "admin/api/key_created.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.revoke_key(by=_person(request), key=key)
        messages.success(request, f"Revoked {queryset.count()} key(s): calls with them are refused from now.")
