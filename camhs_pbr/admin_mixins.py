"""Admin behaviour shared by versioned reference data."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.text import capfirst


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


def name_table_input(formfield: forms.Field | None, name: str) -> forms.Field | None:
    """Give an input shown in an admin table (no <label>, only its column header) the column's name."""
    if formfield is None:
        return None
    widget: Any = getattr(formfield.widget, "widget", formfield.widget)  # inside a related-field wrapper
    widget.attrs.setdefault("aria-label", capfirst(name))
    return formfield


class LabelledListEditableAdmin(admin.ModelAdmin):
    """list_editable inputs of the change list are named after their column for screen readers."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in (self.list_editable or ()):
            return name_table_input(formfield, str(db_field.verbose_name))
        return formfield


class LabelledInlineFormSet(BaseInlineFormSet):
    """An inline formset whose "delete" boxes are named: a tabular inline shows them under a column header only."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", "Delete this row")


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs are named after their columns for screen readers."""

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        return name_table_input(
            super().formfield_for_dbfield(db_field, request, **kwargs), str(db_field.verbose_name)
        )
