# Case records are deliberately not registered in the admin: clinical data is reached only through the
# scoped clinician pages (Case.objects.visible_to). Outcome reference data is.
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.access import AuthenticatedRequest
from assessments import item_wording, measures, services
from assessments.models import ChangeThreshold, Informant, MeasureItemWording, ScoringRules
from camhs_pbr.admin_mixins import CsvUploadAdmin, LabelledListEditableAdmin, OneCurrentVersionAdmin


@admin.register(ScoringRules)
class ScoringRulesAdmin(OneCurrentVersionAdmin):
    list_display = ["label", "rcads_max_missing_per_subscale", "honosca_max_not_known", "is_current"]


@admin.register(ChangeThreshold)
class ChangeThresholdAdmin(LabelledListEditableAdmin):
    list_display = ["measure", "scale", "informant", "sd1", "r", "cutoff", "higher_is_worse"]
    list_filter = ["measure", "informant"]
    list_editable = ["sd1", "r", "cutoff"]


class WordingUploadForm(forms.Form):
    measure = forms.ChoiceField(choices=[(spec.code, spec.label) for spec in item_wording.worded_measures()])
    informant = forms.ChoiceField(
        choices=[("", "Every informant")] + Informant.choices,
        required=False,
        help_text="A form with wording of its own shows it; the others show the wording of every informant.",
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8, with the header item,text and one line per item of the measure, each item once "
            "(quote a text holding commas). It replaces the wording loaded before."
        ),
    )
    licence = forms.BooleanField(
        label="Our service holds a licence to use this measure's wording",
        error_messages={"required": "Only wording your service holds a licence for may be loaded."},
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        code, informant = cleaned.get("measure"), cleaned.get("informant") or ""
        if code and informant and informant not in measures.measure(code).informants:
            self.add_error(
                "informant", f"{measures.measure(code).label} has no {Informant(informant).label} form."
            )
        return cleaned


@admin.register(MeasureItemWording)
class MeasureItemWordingAdmin(CsvUploadAdmin):
    """Loaded a whole measure at a time from a CSV file (so every item has wording); a text may be edited."""

    list_display = ["measure", "informant", "item", "text", "loaded_at"]
    list_filter = ["measure", "informant"]
    readonly_fields = ["measure", "informant", "item", "loaded_at"]
    fields = ["measure", "informant", "item", "text", "loaded_at"]
    upload_form = WordingUploadForm
    upload_title = "Load item wording from a CSV file"
    upload_permissions = ("assessments.add_measureitemwording", "assessments.delete_measureitemwording")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one item alone would leave the others of its measure unworded: load a file instead

    def load(self, request: AuthenticatedRequest, fields: dict[str, Any]) -> str:
        loaded = services.load_item_wording(
            by=request.user,
            measure=fields["measure"],
            informant=fields["informant"] or "",
            content=fields["file"].read(item_wording.MAX_FILE_BYTES + 1),
        )
        label = measures.measure(fields["measure"]).label
        return f"Loaded the wording of {loaded} {label} items; the forms now show it."
