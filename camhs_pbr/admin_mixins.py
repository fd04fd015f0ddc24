"""Admin behaviour shared by versioned reference data."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.text import capfirst

from camhs_pbr.lib.csv_upload import FileRefused


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


class CsvUploadAdmin(admin.ModelAdmin):
    """Reference data loaded a whole CSV file at a time, from a page beside the model's list (`upload/`, named
    `<app>_<model>_upload`, its template `admin/<app>/<model>/upload.html` extending admin/csv_upload.html): for
    users with every one of `upload_permissions`, each problem of a refused file shown on the form and nothing
    loaded. A subclass says what the form is, what the page is called and how a file loads (`load`)."""

    upload_form: type[forms.Form]
    upload_title: str
    upload_permissions: tuple[str, ...]

    def load(self, request: Any, fields: dict[str, Any]) -> str:
        """Load the form's valid fields (its `file` among them); what was loaded, in words. Raises FileRefused."""
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_upload"
        return [path("upload/", self.admin_site.admin_view(self.upload_view), name=name), *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perms(self.upload_permissions):
            raise PermissionDenied
        form = self.upload_form(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                loaded = self.load(request, form.cleaned_data)
            except FileRefused as refused:
                for problem in refused.problems:
                    form.add_error("file", problem)
            else:
                messages.success(request, loaded)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.upload_title,
            "form": form,
        }
        return TemplateResponse(
            request, f"admin/{self.opts.app_label}/{self.opts.model_name}/upload.html", context
        )
