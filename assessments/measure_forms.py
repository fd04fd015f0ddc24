"""Forms of the outcome measures: items as compact radio tables; an unanswered item is missing data."""

from django import forms
from django.utils import timezone

from assessments import measures, validation
from assessments.forms import DateInput
from assessments.models import Case, Goal

IMPACT_LABELS = {
    "distress": "Do the difficulties upset or distress you / your child?",
    "home_life": "Interfere with home life",
    "friendships": "Interfere with friendships",
    "classroom_learning": "Interfere with classroom learning",
    "leisure_activities": "Interfere with leisure activities",
    "peer_relationships": "Interfere with peer relationships",
}


def _radios(label: str, words: tuple[str, ...] | list[tuple[str, str]]) -> forms.ChoiceField:
    choices = words if isinstance(words[0], tuple) else [(str(code), word) for code, word in enumerate(words)]
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=False)


class MeasureForm(forms.Form):
    completed_on = forms.DateField(label="Date completed", widget=DateInput())

    def __init__(self, *args, case: Case, measure: str, informant: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.measure, self.informant = case, measure, informant
        self._sections: list[tuple[str, list[str], list[str]]] = []
        if measure == "sdq":
            self._items("Items", [str(n) for n in measures.SDQ_ITEMS], measures.SDQ_RESPONSES)
            impact = list(measures.SDQ_IMPACT_ITEMS[informant])
            self._items("Impact", impact, measures.SDQ_IMPACT_RESPONSES, labels=IMPACT_LABELS)
        elif measure == "rcads":
            self._items("Items", [str(n) for n in measures.RCADS_ITEMS], measures.RCADS_RESPONSES)
        elif measure == "honosca":
            words = [(str(n), str(n)) for n in range(measures.HONOSCA_MAX_RATING + 1)]
            self._items("Scales", [str(n) for n in measures.HONOSCA_SCALES], [*words, ("9", "Not known")])
        elif measure == "cgas":
            self.fields["cgas"] = forms.IntegerField(
                label="CGAS score", min_value=measures.CGAS_MIN, max_value=measures.CGAS_MAX
            )
        elif measure == "goals":
            for goal in Goal.objects.filter(case=case):
                self.fields[str(goal.number)] = forms.TypedChoiceField(
                    label=f"Goal {goal.number}: {goal.description}",
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "Not rated")] + [(str(n), str(n)) for n in range(11)],
                )

    def _items(self, title: str, names: list[str], words, labels: dict | None = None) -> None:
        for name in names:
            label = (labels or {}).get(name, f"{title[:-1] if title != 'Impact' else ''} {name}".strip())
            self.fields[name] = _radios(label, words)
        self._sections.append((title, [w if isinstance(w, str) else w[1] for w in words], names))

    def sections(self) -> list[tuple[str, list[str], list]]:
        return [(title, words, [self[name] for name in names]) for title, words, names in self._sections]

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        error = validation.completed_on_error(
            "date completed", value, self.case.referral_date, timezone.localdate()
        )
        if error:
            raise forms.ValidationError(error)
        return value

    def clean(self):
        cleaned = super().clean()
        if self.measure == "goals":
            if not Goal.objects.filter(case=self.case).exists():
                raise forms.ValidationError("Agree at least one goal before rating goals.")
            if all(cleaned.get(name) is None for name in self.fields if name != "completed_on"):
                raise forms.ValidationError("Rate at least one goal.")
        elif self.measure != "cgas" and all(cleaned.get(name) in ("", None) for name in self.item_names()):
            raise forms.ValidationError("No item is answered: nothing to save.")
        return cleaned

    def item_names(self) -> list[str]:
        return [name for name in self.fields if name != "completed_on"]

    def answers(self) -> dict[str, int | None]:
        """Raw response codes as stored (before reverse scoring); HoNOSCA 9 and blanks become None."""
        result = {}
        for name in self.item_names():
            value = self.cleaned_data.get(name)
            code = None if value in ("", None) else int(value)
            result[name] = (
                None if (self.measure == "honosca" and code == measures.HONOSCA_NOT_KNOWN) else code
            )
        return result

    @staticmethod
    def initial_from(answers: dict) -> dict:
        return {name: ("" if code is None else str(code)) for name, code in answers.items()}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["number", "description", "agreed_on"]
        widgets = {"agreed_on": DateInput()}
        labels = {"number": "Goal number (1-3)", "description": "The goal, in the young person's words"}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["number"] = forms.TypedChoiceField(
            label="Goal number",
            coerce=int,
            choices=[(n, f"Goal {n}") for n in range(1, measures.GOALS_MAX_COUNT + 1)],
        )

    def clean_agreed_on(self):
        value = self.cleaned_data["agreed_on"]
        if value < self.case.referral_date or value > timezone.localdate():
            raise forms.ValidationError("A goal is agreed between the referral date and today.")
        return value
