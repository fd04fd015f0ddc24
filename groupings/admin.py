from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from camhs_pbr.admin_mixins import LabelledTabularInline, OneCurrentVersionAdmin
from groupings.models import Grouping, RulesVersion, Suggestion
from groupings.rules import ruleset_from_definition


class GroupingInline(LabelledTabularInline):
    model = Grouping
    extra = 1


class RulesVersionForm(forms.ModelForm):
    class Meta:
        model = RulesVersion
        fields = ["label", "description", "rules_definition", "is_current"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "rules_definition" in cleaned and cleaned.get("label"):
            try:
                ruleset = ruleset_from_definition(cleaned["label"], cleaned["rules_definition"])
            except (ValueError, KeyError, TypeError) as error:
                self.add_error("rules_definition", f"These rules cannot be used: {error}")
            else:
                never = set(self.instance.groupings.filter(suggestible=False).values_list("code", flat=True))
                if self.instance.pk and (suggested := sorted(ruleset.grouping_codes() & never)):
                    self.add_error(
                        "rules_definition",
                        f"These rules cannot be used: they suggest groupings marked never suggested: "
                        f"{', '.join(suggested)}.",
                    )
        return cleaned


@admin.register(RulesVersion)
class RulesVersionAdmin(OneCurrentVersionAdmin):
    form = RulesVersionForm
    list_display = ["label", "is_current", "created_at"]
    inlines = [GroupingInline]

    def get_readonly_fields(self, request: HttpRequest, obj: RulesVersion | None = None) -> list[str]:
        # A version that has produced suggestions is frozen: a change of rules is a new version (SPEC §4).
        if obj and Suggestion.objects.filter(rules_version=obj).exists():
            return ["label", "rules_definition"]
        return []

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        super().save_related(request, form, formsets, change)
        rules_version = form.instance
        for fault in rules_version.catalogue_faults():
            self.message_user(request, f"{rules_version.label}: {fault}.", level="warning")


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "super_group",
        "review_months",
        "expected_appointments",
        "suggestible",
        "rules_version",
    ]
    list_filter = ["rules_version", "super_group", "suggestible"]
