"""Forms for case records: they parse and validate input; services in services.py do the writing."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import CLINICAL_ROLES, Provider, Team, User
from assessments import limits, nhs_number, validation
from assessments.current_view_items import ITEMS, RESPONSES
from assessments.models import Case, Contact, CurrentView, CurrentViewReason, Patient
from assessments.submissions import key_field
from camhs_pbr.lib.text import PlainTextField


class DateInput(forms.DateInput):
    """A browser date box: its value must be ISO (YYYY-MM-DD), whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class PatientForm(forms.ModelForm):
    nhs_number = PlainTextField(
        label="NHS number", max_length=14, help_text="10 digits; spaces or hyphens are fine."
    )
    postcode = PlainTextField(max_length=12)
    submission_key = key_field()

    class Meta:
        model = Patient
        fields = [
            "nhs_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "gender",
            "ethnic_category",
            "postcode",
        ]
        widgets = {"date_of_birth": DateInput()}
        field_classes = {"given_name": PlainTextField, "family_name": PlainTextField}

    def __init__(
        self,
        *args: Any,
        provider: Provider | None = None,
        providers: QuerySet[Provider] | None = None,
        user: User | None = None,
        **kwargs: Any,
    ) -> None:
        """`provider` holds the record; or, given the `providers` the user may register in, the only one of
        them, or (more than one) the user's required choice among them."""
        super().__init__(*args, **kwargs)
        self.user = user
        if provider is None and providers is not None and len(choices := list(providers[:2])) == 1:
            provider = choices[0]
        self.provider = provider
        if provider is None:
            if providers is None:
                raise TypeError("A patient form needs the provider, or the providers to choose from.")
            self.fields["provider"] = forms.ModelChoiceField(
                queryset=providers,
                label="Provider that holds the record",
                help_text="You work in teams of more than one provider: choose the one whose patient this is.",
                error_messages={
                    "required": "Choose the provider that holds the record.",
                    "invalid_choice": "Choose one of the providers of your teams.",
                },
            )
            self.order_fields(["provider"])

    def chosen_provider(self) -> Provider:
        """The provider that holds the record, once the form is valid."""
        return self.provider or self.cleaned_data["provider"]

    def clean_nhs_number(self) -> str:
        try:
            return nhs_number.normalise(self.cleaned_data["nhs_number"])
        except nhs_number.InvalidNhsNumber as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        provider, number = self.provider or cleaned.get("provider"), cleaned.get("nhs_number")
        if provider is None or number is None:
            return cleaned
        # Only this provider's records are looked at: another provider knowing the child is not told.
        existing = Patient.objects.filter(provider=provider, nhs_number=number).first()
        if existing is not None:
            url = _record_url(self.user, existing) if self.user is not None else None
            message = limits.PATIENT_ALREADY_REGISTERED
            if url is not None:
                message = format_html('{} <a href="{}">Open their record</a>.', message, url)
            self.add_error("nhs_number", message)
        return cleaned

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        error = validation.date_of_birth_error(value, timezone.localdate())
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_postcode(self) -> str:
        postcode = validation.normalised_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(validation.POSTCODE_MESSAGE)
        return postcode


def _record_url(user: User, patient: Patient) -> str | None:
    """Where `user` finds a registered patient: their latest case the user may see, else (registered by the
    user, not yet referred) their referral page; None if the user may not see them."""
    if not Patient.objects.visible_to(user).filter(pk=patient.pk).exists():
        return None
    case = Case.objects.visible_to(user).filter(patient=patient).order_by("-referral_date", "-pk").first()
    if case is not None:
        return reverse("assessments:case_detail", args=[case.pk])
    return reverse("assessments:referral_create", args=[patient.pk])


class ReferralForm(forms.ModelForm):
    submission_key = key_field()

    class Meta:
        model = Case
        fields = ["team", "referral_date", "referral_source", "commissioner", "accepted_date"]
        widgets = {"referral_date": DateInput(), "accepted_date": DateInput()}
        labels = {"commissioner": "Responsible commissioner", "accepted_date": "Accepted on (if accepted)"}

    def __init__(self, *args: Any, patient: Patient, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        teams = Team.objects.in_scope_of(user).filter(provider_id=patient.provider_id)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        today = timezone.localdate()
        referral_date = cleaned.get("referral_date")
        accepted = cleaned.get("accepted_date")
        error = accepted and limits.RECORD_DATE.error("acceptance date", accepted, today)
        if error:
            self.add_error("accepted_date", error)
        elif referral_date and accepted:
            error = validation.not_before_referral_error("acceptance date", accepted, referral_date)
            if error:
                self.add_error("accepted_date", error)
        error = referral_date and limits.RECORD_DATE.error("referral date", referral_date, today)
        if error:
            self.add_error("referral_date", error)
        elif referral_date:
            error = validation.age_at_referral_error(self.patient.date_of_birth, referral_date)
            if error:
                self.add_error("referral_date", error)
        team = cleaned.get("team")
        if team and Case.objects.open_referrals().filter(patient=self.patient, team=team).exists():
            self.add_error("team", limits.ONE_OPEN_REFERRAL_PER_TEAM)
        return cleaned


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.profession or 'no profession'})"


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ContactForm(forms.ModelForm):
    submission_key = key_field()

    class Meta:
        model = Contact
        fields = ["starts_at", "duration_minutes", "attendance", "mode", "clinician"]
        field_classes = {"clinician": ClinicianChoiceField}
        widgets = {"starts_at": DateTimeInput()}
        labels = {"duration_minutes": "Duration (minutes)", "mode": "Contact mode"}

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        clinicians = User.objects.filter(teams=case.team, role__in=CLINICAL_ROLES, is_active=True)
        clinician = cast(ClinicianChoiceField, self.fields["clinician"])
        clinician.queryset = clinicians.order_by("last_name", "first_name")
        if user.is_clinical and clinicians.filter(pk=user.pk).exists():
            self.initial.setdefault("clinician", user.pk)

    def clean_duration_minutes(self) -> int:
        value = self.cleaned_data["duration_minutes"]
        if not limits.CONTACT_MINUTES.contains(value):
            raise forms.ValidationError(limits.CONTACT_MINUTES.sentence)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_at = cleaned.get("starts_at")
        if starts_at:
            error = limits.CONTACT_DATE.error(
                "contact date", starts_at.date(), timezone.localdate()
            ) or validation.not_before_referral_error(
                "contact date", timezone.localtime(starts_at).date(), self.case.referral_date
            )
            if error:
                self.add_error("starts_at", error)
            if cleaned.get("attendance") == "attended" and starts_at > timezone.now():
                self.add_error("starts_at", "An attended contact cannot be in the future.")
        clinician = cleaned.get("clinician")
        if clinician and clinician.profession_id is None:
            self.add_error(
                "clinician", "This clinician has no profession recorded; ask an administrator to add it."
            )
        return cleaned


def correction_reason_field() -> forms.CharField:
    """Why a record is corrected: required, shown on the case page beside the correction."""
    return PlainTextField(
        label="Why is this corrected?",
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": limits.CORRECTION_NEEDS_REASON},
    )


class ContactCorrectionForm(ContactForm):
    """A contact's details as stored, to correct, with why; `version` is the contact's as the page showed it."""

    correction_reason = correction_reason_field()

    def __init__(self, *args: Any, contact: Contact, user: User, **kwargs: Any) -> None:
        initial = {
            name: getattr(contact, name) for name in ("starts_at", "duration_minutes", "attendance", "mode")
        }
        kwargs["initial"] = {**initial, "clinician": contact.clinician_id, "version": contact.version}
        super().__init__(*args, case=contact.case, user=user, **kwargs)
        del self.fields["submission_key"]
        self.fields["version"] = version_field()
        clinician = cast(ClinicianChoiceField, self.fields["clinician"])
        # The clinician recorded stays a choice even after leaving the team.
        team_clinicians = cast(QuerySet[User], clinician.queryset)
        clinician.queryset = (team_clinicians | User.objects.filter(pk=contact.clinician_id)).distinct()

    def details(self) -> dict[str, Any]:
        """The corrected details, the reason and the version, as services.correct_contact takes them."""
        cleaned = self.cleaned_data
        details = {name: cleaned[name] for name in ContactForm.Meta.fields}
        return {**details, "reason": cleaned["correction_reason"], "version": cleaned["version"]}


def version_field() -> forms.IntegerField:
    """The version of the record as the page showed it, sent back so a stale edit is refused."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def replace_input(form: forms.BaseForm, name: str, value: object) -> None:
    """Change one submitted value of a bound form before it is shown again (the rest stays as typed)."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data[form.add_prefix(name)] = "" if value is None else str(value)
    form.data = data


def show_conflict(form: forms.BaseForm, message: str, current_version: int, name: str = "version") -> None:
    """Re-show `form` with the user's input and the conflict; saving again then applies it over the change."""
    form.add_error(None, message)
    replace_input(form, name, current_version)


class DischargeForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = Case
        fields = ["closed_date", "discharge_reason"]
        widgets = {"closed_date": DateInput()}
        labels = {"closed_date": "Discharge date"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_date"].required = True
        self.fields["discharge_reason"].required = True
        self.initial.setdefault("version", self.instance.version)

    def clean_closed_date(self) -> dt.date:
        value = self.cleaned_data["closed_date"]
        error = limits.RECORD_DATE.error(
            "discharge date", value, timezone.localdate()
        ) or validation.not_before_referral_error("discharge date", value, self.instance.referral_date)
        if error:
            raise forms.ValidationError(error)
        return value


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": limits.REOPEN_NEEDS_REASON},
    )
    version = version_field()


class CaseloadSearchForm(forms.Form):
    q = PlainTextField(
        label="Find a case by name, NHS number or case reference", max_length=100, required=False
    )


NOT_KNOWN = "nk"
SECTION_TITLES = {
    "problem": "Provisional problem descriptions",
    "complexity": "Selected complexity factors",
    "context": "Contextual problems",
    "eet": "Education, employment or training",
}


def _choices(scale: str) -> list[tuple[str, str]]:
    return [(NOT_KNOWN if code is None else str(code), word) for word, code in RESPONSES[scale].items()]


class CurrentViewItemsForm(forms.Form):
    """The 50 items of the Current View, every one to be answered: nothing is pre-filled and "Not known" is an
    answer of its own. The Current View form adds its date, reason and practitioner; a second rater's audit
    form and a vignette's add their grouping."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    def ratings(self) -> dict[str, int | None]:
        return {
            item.id: None if self.cleaned_data[item.id] == NOT_KNOWN else int(self.cleaned_data[item.id])
            for item in ITEMS
        }


class CurrentViewForm(CurrentViewItemsForm):
    """The Current View of a case: its items, and when, why and by whom it was completed."""

    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    reason = forms.ChoiceField(label="Reason for completing", choices=[("", "—"), *CurrentViewReason.choices])
    practitioner = PractitionerChoiceField(queryset=User.objects.none())
    submission_key = key_field()

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.initial.setdefault("completed_on", timezone.localdate())
        practitioners = User.objects.filter(teams=case.team, role__in=CLINICAL_ROLES, is_active=True)
        practitioner = cast(PractitionerChoiceField, self.fields["practitioner"])
        practitioner.queryset = practitioners.order_by("last_name", "first_name")
        if practitioners.filter(pk=user.pk).exists():
            self.initial.setdefault("practitioner", user.pk)

    def clean_completed_on(self) -> dt.date:
        value = self.cleaned_data["completed_on"]
        error = validation.completed_on_error(
            "Current View", value, self.case.referral_date, timezone.localdate()
        )
        if error:
            raise forms.ValidationError(error)
        return value


class CurrentViewCorrectionForm(CurrentViewForm):
    """A Current View's answers as stored, to correct, with why; `version` is the view's as the page showed it."""

    correction_reason = correction_reason_field()
    version = version_field()

    def __init__(self, *args: Any, current_view: CurrentView, user: User, **kwargs: Any) -> None:
        ratings = {
            item: NOT_KNOWN if value is None else str(value) for item, value in current_view.ratings().items()
        }
        kwargs["initial"] = {
            **ratings,
            "completed_on": current_view.completed_on,
            "reason": current_view.reason,
            "practitioner": current_view.practitioner_id,
            "version": current_view.version,
        }
        super().__init__(*args, case=current_view.case, user=user, **kwargs)
        del self.fields["submission_key"]
        practitioner = cast(PractitionerChoiceField, self.fields["practitioner"])
        # The practitioner recorded stays a choice even after leaving the team.
        team_practitioners = cast(QuerySet[User], practitioner.queryset)
        practitioner.queryset = (
            team_practitioners | User.objects.filter(pk=current_view.practitioner_id)
        ).distinct()

    def correction(self) -> dict[str, Any]:
        """The corrected form, the reason and the version, as the correcting service takes them."""
        cleaned = self.cleaned_data
        return {
            "reason": cleaned["correction_reason"],
            "version": cleaned["version"],
            "completed_on": cleaned["completed_on"],
            "completing_reason": cleaned["reason"],
            "practitioner": cleaned["practitioner"],
            "ratings": self.ratings(),
        }
