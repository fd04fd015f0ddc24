"""Admin behaviour shared by versioned reference data."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest


class OneCurrentVersionAdmin(admin.ModelAdmin):
    """Saving a row as current makes every other row of its table not current (one current version).

    The form leaves the one-current constraint to save_model, which retires the old row first in the same
    transaction; the database constraint still guards the invariant.
    """

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        # Any: mypy cannot check a class built on a base chosen at run time.
        base: Any = super().get_form(request, obj, change, **kwargs)

        class Form(base):
            def _get_validation_exclusions(self) -> set[str]:
                return super()._get_validation_exclusions() | {"is_current"}

        return Form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: Any) -> None:
        if obj.is_current:
            type(obj).objects.exclude(pk=obj.pk).filter(is_current=True).update(is_current=False)
        super().save_model(request, obj, form, change)
