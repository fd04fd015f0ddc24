"""Forms of the outcome measures: items as compact radio tables; an unanswered item is missing data."""

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from django import forms
from django.utils import timezone

from assessments import limits, measures, validation
from assessments.forms import DateInput, show_conflict, version_field
from assessments.measures import Entry, MeasureSpec, ResponseOptions
from assessments.models import Case, Goal
from assessments.scoring import Answers
from assessments.submissions import key_field
from camhs_pbr.lib.text import PlainTextField


def _radios(label: str, responses: ResponseOptions, wording: str = "") -> forms.ChoiceField:
    choices = [(option.value, option.word) for option in responses.options]
    return forms.ChoiceField(
        label=label, help_text=wording, choices=choices, widget=forms.RadioSelect, required=False
    )


def _limit_errors(limit: limits.Limit) -> dict[str, str]:
    message = limit.sentence
    return {"min_value": message, "max_value": message, "invalid": message}


class MeasureForm(forms.Form):
    """The form of one measure and informant, laid out from the measure's spec."""

    completed_on = forms.DateField(label="Date completed", widget=DateInput())

    def __init__(
        self,
        *args: Any,
        case: Case,
        measure: str,
        informant: str,
        answers: Answers | None = None,
        version: int | None = None,
        wording: Mapping[int, str] = MappingProxyType({}),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.measure, self.informant = case, measure, informant
        self.initial.setdefault("completed_on", timezone.localdate())  # a correction passes the stored date
        if version is not None:  # correcting a response: the version the page showed
            self.fields["version"] = version_field()
            self.initial["version"] = version
        else:
            self.fields["submission_key"] = key_field()
        self.spec: MeasureSpec = measures.measure(measure)
        self._sections: list[tuple[str, tuple[str, ...], list[str]]] = []
        spec = self.spec
        if spec.entry is Entry.RADIO_TABLE:
            assert spec.responses is not None
            # Item numbers, with the words of each item if the service loaded the measure's (licensed) wording.
            texts = {spec.item_key(item): text for item, text in wording.items()}
            for title, items in spec.sections():
                keys = [spec.item_key(item) for item in items]
                self._section(title, keys, spec.responses, lambda key: f"{spec.item_label} {key}", texts)
            if spec.overall_question is not None and spec.overall_responses is not None:
                overall = [spec.overall_question]
                self._section(
                    spec.overall_label, overall, spec.overall_responses, lambda _: spec.overall_label
                )
            if spec.impact_responses is not None:
                areas = list(spec.impact_items[informant])
                self._section("Impact", areas, spec.impact_responses, lambda area: spec.impact_labels[area])
        elif spec.entry is Entry.NUMBER:
            assert spec.limit is not None
            self.fields[spec.item_key(spec.items[0])] = forms.IntegerField(
                label=spec.item_label,
                min_value=spec.limit.low,
                max_value=spec.limit.high,
                error_messages=_limit_errors(spec.limit),
            )
        elif spec.entry is Entry.GOAL_SELECTS:
            assert spec.responses is not None
            choices = [("", "Not rated")] + [(o.value, o.word) for o in spec.responses.options]
            for goal in Goal.objects.filter(case=case):
                self.fields[spec.item_key(goal.number)] = forms.ChoiceField(
                    label=f"{spec.item_label} {goal.number}: {goal.description}",
                    required=False,
                    choices=choices,
                )
        if answers is not None:
            self.initial.update(self._values_of(answers))

    def _section(
        self,
        title: str,
        names: list[str],
        responses: ResponseOptions,
        label: Callable[[str], str],
        wording: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        for name in names:
            self.fields[name] = _radios(label(name), responses, wording.get(name, ""))
        self._sections.append((title, responses.words, names))

    def sections(self) -> list[tuple[str, tuple[str, ...], list]]:
        return [(title, words, [self[name] for name in names]) for title, words, names in self._sections]

    def clean_completed_on(self) -> dt.date:
        value = self.cleaned_data["completed_on"]
        error = validation.completed_on_error(
            "date completed", value, self.case.referral_date, timezone.localdate()
        )
        if error:
            raise forms.ValidationError(error)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.spec.entry is Entry.GOAL_SELECTS:
            if not Goal.objects.filter(case=self.case).exists():
                raise forms.ValidationError("Agree at least one goal before rating goals.")
            if all(cleaned.get(name) in ("", None) for name in self.item_names()):
                raise forms.ValidationError("Rate at least one goal.")
        elif self.spec.entry is Entry.RADIO_TABLE and all(
            cleaned.get(name) in ("", None) for name in self.item_names()
        ):
            raise forms.ValidationError("No item is answered: nothing to save.")
        return cleaned

    def item_names(self) -> list[str]:
        return [name for name in self.fields if name not in ("completed_on", "version", "submission_key")]

    def answers(self) -> Answers:
        """The raw response codes (before reverse scoring); blanks and "not known" become None."""
        spec, data = self.spec, self.cleaned_data
        items: dict[int, int | None] = {}
        for item in spec.items:
            key = spec.item_key(item)
            if key not in self.fields:
                continue
            value = data.get(key)
            items[item] = value if spec.responses is None else spec.responses.code_of(value or "")
        impact: dict[str, int | None] = {}
        for key, responses in self._supplement():
            impact[key] = responses.code_of(data.get(key) or "")
        return Answers(items=items, impact=impact)

    def _supplement(self) -> list[tuple[str, ResponseOptions]]:
        """The impact supplement's fields of this form with their options: the overall question, the areas."""
        spec = self.spec
        fields: list[tuple[str, ResponseOptions]] = []
        if spec.overall_question is not None and spec.overall_responses is not None:
            fields.append((spec.overall_question, spec.overall_responses))
        if spec.impact_responses is not None:
            fields += [(area, spec.impact_responses) for area in spec.impact_items[self.informant]]
        return fields

    def _values_of(self, answers: Answers) -> dict[str, object]:
        spec = self.spec
        initial: dict[str, object] = {}
        for item, code in answers.items.items():
            shown = code if spec.responses is None else spec.responses.value_of(code)
            initial[spec.item_key(item)] = "" if shown is None else str(shown)
        for key, responses in self._supplement():
            if key in answers.impact:
                initial[key] = responses.value_of(answers.impact[key])
        return initial


class GoalForm(forms.ModelForm):
    submission_key = key_field()

    class Meta:
        model = Goal
        fields = ["number", "description", "agreed_on"]
        widgets = {"agreed_on": DateInput()}
        labels = {"number": "Goal number (1-3)", "description": "The goal, in the young person's words"}
        field_classes = {"description": PlainTextField}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        numbers = range(limits.GOAL_NUMBER.low, limits.GOAL_NUMBER.high + 1)
        self.fields["number"] = forms.TypedChoiceField(
            label="Goal number", coerce=int, choices=[(n, f"Goal {n}") for n in numbers]
        )
        # The version of each goal as the page showed it (0: not yet agreed), so a stale save is refused.
        versions = dict(Goal.objects.filter(case=case).values_list("number", "version"))
        for number in numbers:
            self.fields[self.version_name(number)] = version_field()
            self.initial[self.version_name(number)] = versions.get(number, 0)

    @staticmethod
    def version_name(number: int) -> str:
        return f"version_{number}"

    def goal(self) -> dict[str, Any]:
        """The goal to save with the version of its number as the page showed it."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("number", "description", "agreed_on")}
        return fields | {"version": data[self.version_name(data["number"])]}

    def show_conflict(self, message: str, current_version: int) -> None:
        show_conflict(self, message, current_version, self.version_name(self.cleaned_data["number"]))

    def clean_agreed_on(self) -> dt.date:
        value = self.cleaned_data["agreed_on"]
        error = limits.RECORD_DATE.error("agreement date", value, timezone.localdate())
        if error:
            raise forms.ValidationError(error)
        if value < self.case.referral_date:
            raise forms.ValidationError("A goal is agreed between the referral date and today.")
        return value
