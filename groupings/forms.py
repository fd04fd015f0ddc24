"""The allocation form of the grouping workflow (SPEC §4)."""

from django import forms

from groupings.models import Grouping, OverrideReason, Suggestion


class AllocationForm(forms.Form):
    grouping = forms.ModelChoiceField(queryset=Grouping.objects.none(), label="Grouping")
    reason_category = forms.ChoiceField(
        label="Reason for a different grouping", choices=[("", "—")] + OverrideReason.choices, required=False
    )
    reason_text = forms.CharField(
        label="In a few words", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        self.fields["grouping"].queryset = suggestion.scheme.groupings.order_by("code")

    def clean(self):
        cleaned = super().clean()
        grouping = cleaned.get("grouping")
        if grouping and grouping.pk != self.suggestion.grouping_id:
            if not cleaned.get("reason_category"):
                self.add_error("reason_category", "Choose why a different grouping fits better.")
            if not cleaned.get("reason_text", "").strip():
                self.add_error("reason_text", "Say in a few words why.")
        return cleaned
