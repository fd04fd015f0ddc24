"""The allocation form of the grouping workflow (SPEC §4)."""

from typing import Any, cast

from django import forms

from assessments.submissions import key_field
from camhs_pbr.lib.text import PlainTextField
from groupings import limits
from groupings.models import Grouping, OverrideReason, Suggestion

REQUIRED_WHEN_DIFFERENT = "Required when the grouping is not the suggested one."


class AllocationForm(forms.Form):
    grouping = forms.ModelChoiceField(queryset=Grouping.objects.none(), label="Grouping")
    add_on_grouping = forms.ModelChoiceField(
        queryset=Grouping.objects.none(), label="Add-on grouping (optional)", required=False
    )
    reason_category = forms.ChoiceField(
        label="Reason for a different grouping",
        choices=[("", "—")] + OverrideReason.choices,
        required=False,
        help_text=REQUIRED_WHEN_DIFFERENT,
    )
    reason_text = PlainTextField(
        label="In a few words",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        multiline=True,
        help_text=REQUIRED_WHEN_DIFFERENT,
    )

    # The open allocation the page showed (empty: none), so an allocation made meanwhile is not replaced.
    seen_allocation = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_key = key_field()

    def __init__(self, *args: Any, suggestion: Suggestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.initial.setdefault("add_on_grouping", suggestion.add_on_grouping_id)
        for name in ("grouping", "add_on_grouping"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = suggestion.rules_version.groupings.order_by("code")
        self._mark_reason_required_when_different()

    def _mark_reason_required_when_different(self) -> None:
        """The reason fields are required only in one state (SPEC §4): say so to assistive technology, now
        and (static/js/forms.js) whenever the chosen grouping changes."""
        suggested = "" if self.suggestion.grouping_id is None else str(self.suggestion.grouping_id)
        chosen = self["grouping"].value()
        chosen = "" if chosen is None else str(chosen)
        required = chosen != "" and chosen != suggested
        for name in ("reason_category", "reason_text"):
            self.fields[name].widget.attrs.update(
                {
                    "aria-required": "true" if required else "false",
                    "data-required-unless-field": self["grouping"].auto_id,
                    "data-required-unless-value": suggested,
                }
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        grouping, add_on = cleaned.get("grouping"), cleaned.get("add_on_grouping")
        if grouping and add_on and add_on.pk == grouping.pk:
            self.add_error("add_on_grouping", limits.ADD_ON_SAME_AS_GROUPING)
        elif grouping and "add_on_grouping" in cleaned:
            problems = limits.override_reason_problems(
                follows_suggestion=grouping.pk == self.suggestion.grouping_id
                and (add_on.pk if add_on else None) == self.suggestion.add_on_grouping_id,
                category=cleaned.get("reason_category", ""),
                text=cleaned.get("reason_text", ""),
            )
            for problem in problems:
                field = (
                    "reason_category" if problem == limits.OVERRIDE_REASON_CATEGORY_MISSING else "reason_text"
                )
                self.add_error(field, problem)
        return cleaned
