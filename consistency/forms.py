"""Forms of the consistency pages: they parse and validate; consistency.services writes."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from accounts.models import Role, Team, User
from assessments.forms import CurrentViewItemsForm, DateInput
from consistency import limits
from consistency.models import AuditCase, SamplingMethod
from consistency.selectors import first_raters
from groupings.models import Grouping, RulesVersion


class StartAuditForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Every team")
    period_from = forms.DateField(label="Allocations made from", widget=DateInput())
    period_to = forms.DateField(label="to", widget=DateInput())
    size = forms.IntegerField(
        label="Allocations to sample",
        min_value=limits.MIN_AUDIT_SIZE,
        max_value=limits.MAX_AUDIT_SIZE,
        initial=20,
        help_text=limits.AUDIT_SIZE_SENTENCE,
    )
    method = forms.ChoiceField(
        label="Sampling", choices=SamplingMethod.choices, initial=SamplingMethod.RANDOM
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        initial=1,
        help_text="The same period, size and seed sample the same allocations again.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = Team.objects.in_scope_of(user)
        if user.role != Role.SERVICE_MANAGER:
            team.required, team.empty_label = True, None
        today = timezone.localdate()
        self.initial.setdefault("period_from", today - dt.timedelta(days=90))
        self.initial.setdefault("period_to", today)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if (
            start
            and end
            and (
                end < start or end > timezone.localdate() or (end - start).days > limits.MAX_AUDIT_PERIOD_DAYS
            )
        ):
            self.add_error("period_to", limits.PERIOD_SENTENCE)
        return cleaned


class AssignmentForm(forms.Form):
    """One choice of second rater per audit case not yet rated; the first raters are not offered. The raters
    are read once and offered as plain choices (no query per case)."""

    def __init__(self, *args: Any, cases: list[AuditCase], raters: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cases = cases
        self.raters = {str(rater.pk): rater for rater in raters}
        for audit_case in cases:
            excluded = first_raters(audit_case)
            self.fields[self.name_of(audit_case)] = forms.ChoiceField(
                choices=[("", "Not yet asked")]
                + [(str(r.pk), r.display_name) for r in raters if r.pk not in excluded],
                required=False,
                label=f"Second rater of {audit_case.case.reference}",
            )
            self.initial[self.name_of(audit_case)] = str(audit_case.auditor_id or "")

    @staticmethod
    def name_of(audit_case: AuditCase) -> str:
        return f"case_{audit_case.pk}"

    def rows(self) -> list[tuple[AuditCase, Any]]:
        return [(audit_case, self[self.name_of(audit_case)]) for audit_case in self.cases]

    def choices(self) -> dict[int, User | None]:
        return {
            audit_case.pk: self.raters.get(self.cleaned_data[self.name_of(audit_case)])
            for audit_case in self.cases
        }


class GroupingChoiceForm(CurrentViewItemsForm):
    """The 50 items and a grouping (with an optional add-on) of one rules version, chosen by the rater."""

    grouping = forms.ModelChoiceField(queryset=Grouping.objects.none(), label="Your grouping")
    add_on_grouping = forms.ModelChoiceField(
        queryset=Grouping.objects.none(), label="Add-on grouping (optional)", required=False
    )

    def __init__(self, *args: Any, rules_version: RulesVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("grouping", "add_on_grouping"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = rules_version.groupings.order_by("code")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        grouping, add_on = cleaned.get("grouping"), cleaned.get("add_on_grouping")
        if grouping and add_on and grouping.pk == add_on.pk:
            self.add_error("add_on_grouping", "The add-on grouping must differ from the grouping.")
        return cleaned
