"""The manager dashboard's filters, read from GET parameters so that every view of it can be bookmarked.

Each choice is limited to the manager's scope; an id outside it gets the same message whether or not it
exists elsewhere, so a refusal never tells what other teams or clinicians there are.
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Team, User
from assessments.models import Case, Contact
from camhs_pbr.figures_cache import cached
from camhs_pbr.lib.widgets import PlainSelect
from dashboards.cache import CACHE_SECONDS, data_stamp
from dashboards.cases import DEFAULT_PERIOD, PERIOD_CHOICES, TREND_MONTHS, Filters, Period
from groupings.models import Grouping, RulesVersion
from reports.periods import Month

OUTSIDE_TEAMS = "That team is not one of the teams you manage: choose one from the list."
OUTSIDE_CLINICIANS = "That clinician does not work with your teams' cases: choose one from the list."
UNKNOWN_GROUPING = "That grouping is not in the catalogue: choose one from the list."
UNKNOWN_RULES_VERSION = "That rules version is not known: choose one from the list."


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def clinicians_in_scope(user: User) -> QuerySet[User]:
    """Members of the user's teams and anyone who has a contact with a case the user may see."""
    teams = Team.objects.in_scope_of(user)
    member = User.teams.through.objects.filter(user=OuterRef("pk"), team__in=teams)
    saw_a_case = Contact.objects.filter(clinician=OuterRef("pk"), case__in=Case.objects.visible_to(user))
    return User.objects.filter(Exists(member) | Exists(saw_a_case)).order_by("last_name", "first_name", "pk")


def clinician_choices(user: User) -> list[tuple[int, str]]:
    """The clinicians in scope as the filter lists them, kept in the cache under the teams in scope and the
    stamp of the data (a new contact, a change in the admin): finding them probes every user's contacts."""
    teams = Team.objects.ids_in_scope_of(user)
    return cached(
        "reports.dashboard.clinicians",
        (teams, data_stamp()),
        lambda: [(clinician.pk, str(clinician.display_name)) for clinician in clinicians_in_scope(user)],
        CACHE_SECONDS,
    ).value


class RulesVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} (current)" if obj.is_current else str(obj.label)


def rules_version_asked(data: Any) -> RulesVersion | None:
    """The rules version whose groupings the filter lists: the one asked for, else that of the grouping asked
    for (a link or bookmark names the grouping alone), else the current one; None for an unknown id."""
    for asked in (data.get("rules_version"), None):
        if asked:
            return RulesVersion.objects.filter(pk=asked).first() if str(asked).isdigit() else None
        grouping = str(data.get("grouping") or "")
        found = Grouping.objects.filter(pk=grouping).first() if grouping.isdigit() else None
        if found is not None:
            return found.rules_version
    return RulesVersion.objects.filter(is_current=True).first()


class DashboardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        error_messages={"invalid_choice": OUTSIDE_TEAMS},
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    clinician = ClinicianChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="All clinicians",
        error_messages={"invalid_choice": OUTSIDE_CLINICIANS},
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    rules_version = RulesVersionChoiceField(
        queryset=RulesVersion.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": UNKNOWN_RULES_VERSION},
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    grouping = forms.ModelChoiceField(
        queryset=Grouping.objects.none(),
        required=False,
        empty_label="All groupings",
        error_messages={"invalid_choice": UNKNOWN_GROUPING},
        widget=PlainSelect(attrs={"class": "form-select"}),
    )
    period = forms.CharField(
        required=False, max_length=10, widget=PlainSelect(attrs={"class": "form-select"})
    )

    def __init__(self, data: Any, *, user: User, today: dt.date) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("period"):
            data["period"] = DEFAULT_PERIOD
        version = rules_version_asked(data)
        if version is not None:
            data["rules_version"] = str(version.pk)
            grouping = str(data.get("grouping") or "")
            if (
                grouping.isdigit()
                and Grouping.objects.filter(pk=grouping).exclude(rules_version=version).exists()
            ):
                # Choosing another version starts from all of its groupings: the one chosen belongs to another.
                data["grouping"] = ""
        super().__init__(data)
        self.today = today
        fields: Any = self.fields
        fields["team"].queryset = Team.objects.in_scope_of(user).order_by("name", "pk")
        fields["clinician"].queryset = clinicians_in_scope(user)  # what a chosen clinician is checked against
        fields["clinician"].choices = [("", fields["clinician"].empty_label), *clinician_choices(user)]
        fields["rules_version"].queryset = RulesVersion.objects.order_by("-is_current", "label")
        # The versions share codes (v1, v2 and the lab's trees): one version's groupings at a time.
        fields["grouping"].queryset = (
            Grouping.objects.filter(rules_version=version).order_by("code")
            if version is not None
            else Grouping.objects.none()
        )
        months = Month.containing(today).trailing(TREND_MONTHS)[::-1]
        choices = [*PERIOD_CHOICES, *((m.label(), f"{m.first:%B %Y}") for m in months)]
        asked = str(data["period"])
        if asked and asked not in dict(choices):
            choices.append((asked, asked))  # a bookmarked month further back stays selected
        fields["period"].widget.choices = choices

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"] or DEFAULT_PERIOD, self.today)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def filters(self) -> Filters:
        """The valid filters (call after is_valid())."""
        data = self.cleaned_data
        return Filters(
            period=data["period"], team=data["team"], clinician=data["clinician"], grouping=data["grouping"]
        )
