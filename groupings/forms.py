"""Forms of the grouping workflow: the Current View (SPEC §2) and the allocation."""

from django import forms
from django.utils import timezone

from accounts.models import CLINICAL_ROLES, User
from assessments import validation
from assessments.forms import DateInput
from assessments.models import Case, CurrentViewReason
from groupings.current_view_items import ITEMS, RESPONSES
from groupings.models import Grouping, OverrideReason, Suggestion

NOT_KNOWN = "nk"
SECTION_TITLES = {
    "problem": "Provisional problem descriptions",
    "complexity": "Selected complexity factors",
    "context": "Contextual problems",
    "eet": "Education, employment or training",
}


def _choices(scale: str) -> list[tuple[str, str]]:
    return [(NOT_KNOWN if code is None else str(code), word) for word, code in RESPONSES[scale].items()]


class CurrentViewForm(forms.Form):
    """Every item must be answered: nothing is pre-filled and "Not known" is an answer of its own."""

    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    reason = forms.ChoiceField(label="Reason for completing", choices=[("", "—"), *CurrentViewReason.choices])
    practitioner = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, case: Case, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        practitioners = User.objects.filter(teams=case.team, role__in=CLINICAL_ROLES, is_active=True)
        self.fields["practitioner"].queryset = practitioners.order_by("last_name", "first_name")
        self.fields["practitioner"].label_from_instance = lambda u: u.display_name
        if practitioners.filter(pk=user.pk).exists():
            self.initial.setdefault("practitioner", user.pk)
        for item in ITEMS:
            self.fields[item.id] = forms.ChoiceField(
                label=item.name,
                help_text=item.label_on_form,
                choices=_choices(item.response_scale),
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Rate “{item.name}” (choose Not known if there is no information)."
                },
            )

    def sections(self) -> list[tuple[str, list[str], list]]:
        """(title, option words, bound fields) per section, for the compact radio table."""
        result = []
        for section, title in SECTION_TITLES.items():
            items = [item for item in ITEMS if item.section == section]
            words = [word for _, word in _choices(items[0].response_scale)]
            result.append((title, words, [self[item.id] for item in items]))
        return result

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        error = validation.completed_on_error(
            "Current View", value, self.case.referral_date, timezone.localdate()
        )
        if error:
            raise forms.ValidationError(error)
        return value

    def ratings(self) -> dict[str, int | None]:
        return {
            item.id: None if self.cleaned_data[item.id] == NOT_KNOWN else int(self.cleaned_data[item.id])
            for item in ITEMS
        }


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
