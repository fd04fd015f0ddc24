# Second-rater audits and their ratings are not in the admin: they reach case records, read only through the
# scoped pages. The vignette library is reference data: listed here, and loaded from a CSV file.
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.access import AuthenticatedRequest
from camhs_pbr.admin_mixins import CsvUploadAdmin
from consistency import services, vignettes
from consistency.models import Vignette


class VignetteUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8, with the header id, set, title, text, grouping (the reference, GH03 or GH03 + GA02), "
            "agreed_by and the 50 item columns as the batch grouper reads them; one line per vignette, each "
            "id new. A file with any bad line loads nothing."
        ),
    )


@admin.register(Vignette)
class VignetteAdmin(CsvUploadAdmin):
    """The training vignettes, loaded a file at a time; a loaded vignette's reference is not edited here, so
    the agreement of the clinicians who rated it keeps its meaning."""

    list_display = ["code", "vignette_set", "title", "reference_grouping", "agreed_by", "loaded_at"]
    list_filter = ["vignette_set"]
    search_fields = ["code", "title"]
    upload_form = VignetteUploadForm
    upload_title = "Load training vignettes from a CSV file"
    upload_permissions = ("consistency.add_vignette",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a file is checked as a whole: load one instead

    def has_change_permission(self, request: HttpRequest, obj: Vignette | None = None) -> bool:
        return False

    def load(self, request: AuthenticatedRequest, fields: dict[str, Any]) -> str:
        loaded = services.load_vignette_file(
            by=request.user, content=fields["file"].read(vignettes.MAX_FILE_BYTES + 1)
        )
        return f"Loaded {loaded} vignette{'s' if loaded != 1 else ''}; clinicians can rate them now."
