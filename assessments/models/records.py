"""Case records: patients, cases (referrals / episodes of care) and contacts."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from accounts.models import Commissioner, Profession, Provider, Team
from assessments import caseload_search, limits, nhs_number
from assessments.choices import (
    Attendance,
    ContactMode,
    DischargeReason,
    EthnicCategory,
    Gender,
    ReferralSource,
)

# The service's two meanings of "open" (ARCHITECTURE.md, vocabulary), each defined here once, with its SQL twin
# for the code that writes SQL by hand:
# - an open referral: referred and not closed (discharged), whether or not the team has accepted it yet;
# - an open episode of care: accepted and not closed.
# Open "on day D" reads the dates: referred (accepted) on or before D, and not closed on or before D.


def open_referral_on(day: dt.date) -> Q:
    """The condition on cases of being an open referral on `day`."""
    return Q(referral_date__lte=day) & (Q(closed_date__isnull=True) | Q(closed_date__gt=day))


def open_episode_on(day: dt.date) -> Q:
    """The condition on cases of being an open episode of care on `day`."""
    return Q(accepted_date__lte=day) & (Q(closed_date__isnull=True) | Q(closed_date__gt=day))


def open_episode_on_sql(case: str, day: str) -> str:
    """open_episode_on as SQL over the case table aliased `case`, on the SQL date expression `day`."""
    return f"({case}.accepted_date <= {day} AND ({case}.closed_date IS NULL OR {case}.closed_date > {day}))"


def open_referral_on_sql(case: str, day: str) -> str:
    """open_referral_on as SQL over the case table aliased `case`, on the SQL date expression `day`."""
    return f"({case}.referral_date <= {day} AND ({case}.closed_date IS NULL OR {case}.closed_date > {day}))"


def is_open_episode_on(accepted: dt.date | None, closed: dt.date | None, day: dt.date) -> bool:
    """open_episode_on for one case's dates, in Python."""
    return accepted is not None and accepted <= day and (closed is None or closed > day)


FROM_RECORDS_SYSTEM = "from the records system"
NOT_FROM_EXTRACT = Q(local_id="")


def local_id_field(what: str) -> models.CharField:
    """The record's key in the provider's records system (issue 31); empty for a record entered here."""
    return models.CharField(
        f"local id in the records system ({what})",
        max_length=40,
        blank=True,
        db_default="",  # rows COPYed in by the demo and the benchmarks leave it out
        help_text="Set when the record came from an extract of the provider's records system.",
    )


def absent_field() -> models.DateTimeField:
    return models.DateTimeField(
        "not in the latest extract since",
        null=True,
        blank=True,
        help_text="A full extract did not hold this record: for a data manager to review. Nothing is deleted.",
    )


def source_provider_field() -> models.ForeignKey:
    return models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The provider whose records system the record came from.",
        # Read with the local id (unique_local_id's index) or with the flag (flagged_index's), never alone.
        db_index=False,
    )


def unique_local_id(provider_field: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[provider_field, "local_id"], condition=~NOT_FROM_EXTRACT, name=name
    )


def flagged_index(provider_field: str, name: str) -> models.Index:
    """The provider's records a full extract no longer held (imports/selectors.py), by local id: a few rows,
    so an import writing millions adds nothing to it."""
    return models.Index(
        fields=[provider_field, "local_id"], condition=Q(not_in_latest_extract__isnull=False), name=name
    )


def set_by_hand_user_field(help_text: str = "") -> models.ForeignKey:
    """Who registered, discharged, recorded or corrected a record in the product's own forms: empty for a record
    from an extract, and indexed by set_only_by_hand's partial index instead of the column's own."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
        db_index=False,
    )


def set_only_by_hand(field: str, name: str) -> models.Index:
    """An index of a column that only the product's own forms fill in (who registered, discharged, recorded or
    corrected): an extract's records leave it empty, so they are left out of the index, which still serves
    every lookup of a user's records (and the checks before a user is deleted)."""
    return models.Index(fields=[field], condition=Q(**{f"{field}__isnull": False}), name=name)


class FromRecordsSystem:
    """A record from an extract is read-only here: it is corrected in the records system (issue 31)."""

    local_id: str

    @property
    def from_records_system(self) -> bool:
        return bool(self.local_id)


OPEN_REFERRAL = Q(closed_date__isnull=True)
OPEN_EPISODE = Q(accepted_date__isnull=False, closed_date__isnull=True)
AWAITING_ACCEPTANCE = Q(accepted_date__isnull=True, closed_date__isnull=True)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user) -> "CaseQuerySet":
        """The cases `user` may see. Every view, export and task that reaches case records goes through here."""
        return self.filter(team__in=Team.objects.in_scope_of(user))

    def open_referrals(self) -> "CaseQuerySet":
        """Open referrals now: not closed, accepted or not (the caseload, the records' data quality)."""
        return self.filter(OPEN_REFERRAL)

    def open_episodes(self) -> "CaseQuerySet":
        """Open episodes of care now: accepted and not closed (the dashboard's and the reports' counts)."""
        return self.filter(OPEN_EPISODE)

    def awaiting_acceptance(self) -> "CaseQuerySet":
        """Open referrals the team has not yet accepted."""
        return self.filter(AWAITING_ACCEPTANCE)

    def open_referrals_on(self, day: dt.date) -> "CaseQuerySet":
        """Open referrals on `day`."""
        return self.filter(open_referral_on(day))

    def open_episodes_on(self, day: dt.date) -> "CaseQuerySet":
        """Open episodes of care on `day`."""
        return self.filter(open_episode_on(day))


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, user) -> "PatientQuerySet":
        """Patients with a case `user` may see, and those the user registered for their provider and has not
        yet referred."""
        if not (user.is_authenticated and getattr(user, "is_clinical", False)):
            return self.none()
        has_visible_case = Exists(Case.objects.visible_to(user).filter(patient=OuterRef("pk")))
        has_any_case = Exists(Case.objects.filter(patient=OuterRef("pk")))
        registered_here = Q(registered_by=user, provider__in=Provider.objects.in_scope_of(user))
        return self.filter(has_visible_case | (registered_here & ~has_any_case))


class Patient(FromRecordsSystem, models.Model):
    """A child or young person as one provider knows them: each provider keeps its own record (SPEC, issue 15),
    so an NHS number is unique within a provider and says nothing about other providers."""

    # Indexed as the first column of nhs_number_unique_per_provider.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="patients", db_index=False)
    nhs_number = models.CharField("NHS number", max_length=10)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=2, choices=Gender.choices)
    ethnic_category = models.CharField(max_length=2, choices=EthnicCategory.choices)
    postcode = models.CharField(max_length=8)
    registered_by = set_by_hand_user_field()
    registered_at = models.DateTimeField(auto_now_add=True)
    local_id = local_id_field("LocalPatientId")
    not_in_latest_extract = absent_field()

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nhs_number__regex=r"^[0-9]{10}$"), name="nhs_number_ten_digits"
            ),
            models.UniqueConstraint(
                fields=["provider", "nhs_number"],
                name="nhs_number_unique_per_provider",
                violation_error_message=limits.PATIENT_ALREADY_REGISTERED,
            ),
            unique_local_id("provider", "patient_local_id_unique_per_provider"),
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            set_only_by_hand("registered_by", "patient_registered_by_idx"),
            flagged_index("provider", "patient_flagged_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        return nhs_number.formatted(self.nhs_number)


class Case(FromRecordsSystem, models.Model):
    """A referral to a team and the episode of care that follows it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    # Indexed as the first column of the index on team and closed date.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", db_index=False)
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices)
    commissioner = models.ForeignKey(
        Commissioner,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The responsible commissioner.",
    )
    accepted_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharged_by = set_by_hand_user_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by each discharge or reopening, so a stale page cannot overwrite one."
    )
    source_provider = source_provider_field()
    local_id = local_id_field("ServiceRequestId")
    not_in_latest_extract = absent_field()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "team"],
                condition=OPEN_REFERRAL,
                name="one_open_case_per_patient_per_team",
                violation_error_message=limits.ONE_OPEN_REFERRAL_PER_TEAM,
            ),
            models.CheckConstraint(
                condition=Q(accepted_date__isnull=True) | Q(accepted_date__gte=F("referral_date")),
                name="case_accepted_not_before_referral",
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | Q(closed_date__gte=F("referral_date")),
                name="case_closed_not_before_referral",
            ),
            models.CheckConstraint(
                condition=(Q(closed_date__isnull=True) & Q(discharge_reason=""))
                | (Q(closed_date__isnull=False) & ~Q(discharge_reason="")),
                name="case_closed_with_reason",
            ),
            unique_local_id("source_provider", "case_local_id_unique_per_provider"),
        ]
        indexes = [
            models.Index(fields=["team", "closed_date"]),
            # The last change to any case: part of the re-grouping page's cache key (groupings/movement.py).
            models.Index(fields=["updated_at"], name="case_updated_at_idx"),
            set_only_by_hand("discharged_by", "case_discharged_by_idx"),
            flagged_index("source_provider", "case_flagged_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} – {self.team} ({self.referral_date:%d/%m/%Y})"

    @property
    def reference(self) -> str:
        """The case's reference shown to staff and accepted by the caseload search, e.g. C000123."""
        return caseload_search.case_reference(self.pk)

    @property
    def is_open(self) -> bool:
        """An open referral (OPEN_REFERRAL): not closed, accepted or not; records may still be added."""
        return self.closed_date is None


class CaseReopening(models.Model):
    """A closure undone: the discharge it replaced is kept here with why the case was reopened."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reopenings")
    closed_date = models.DateField()
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices)
    reason = models.TextField("reason for reopening")
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reopened_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="case_reopening_has_reason")]

    def __str__(self) -> str:
        return f"Reopened {self.reopened_at:%d/%m/%Y} (closed {self.closed_date:%d/%m/%Y})"


class Contact(FromRecordsSystem, models.Model):
    # Indexed as the first column of the index on case and start.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts", db_index=False)
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts")
    profession = models.ForeignKey(
        Profession,
        on_delete=models.PROTECT,
        help_text="The clinician's profession at the time of the contact.",
    )
    mode = models.CharField(max_length=15, choices=ContactMode.choices)
    recorded_by = set_by_hand_user_field()
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrected_by = set_by_hand_user_field("Who recorded the contact as it now reads, when it was corrected.")
    corrected_at = models.DateTimeField(null=True, blank=True)
    # A database default too: bulk writers (the demo's and benchmarks' COPY, an import's merge) name no version.
    version = models.PositiveIntegerField(default=1, db_default=1, help_text="Raised by each correction.")
    source_provider = source_provider_field()
    local_id = local_id_field("CareContactId")
    not_in_latest_extract = absent_field()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=limits.CONTACT_MINUTES.low)
                & Q(duration_minutes__lte=limits.CONTACT_MINUTES.high),
                name="contact_duration_range",
                violation_error_message=limits.CONTACT_MINUTES.sentence,
            ),
            unique_local_id("source_provider", "contact_local_id_unique_per_provider"),
        ]
        indexes = [
            models.Index(fields=["case", "starts_at"]),
            # A case's first, second or latest attended contact (waiting times, a Current View by the second
            # contact, weeks since last seen) read from the index alone, in order, per case.
            models.Index(
                fields=["case", "starts_at", "id"],
                condition=Q(attendance=Attendance.ATTENDED),
                name="contact_attended_idx",
            ),
            set_only_by_hand("recorded_by", "contact_recorded_by_idx"),
            set_only_by_hand("corrected_by", "contact_corrected_by_idx"),
            flagged_index("source_provider", "contact_flagged_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} contact on {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def details_recorded_by_id(self) -> int | None:
        """Who recorded the contact as it now reads: the last corrector, or the first recorder."""
        return self.corrected_by_id or self.recorded_by_id

    @property
    def details_recorded_at(self) -> dt.datetime:
        return self.corrected_at or self.recorded_at


class ContactVersion(models.Model):
    """A contact as it read before a correction: who recorded it, and who corrected it, when and why.

    The contact itself is corrected in place, so every reader (reports, costing, dashboards) counts it once."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="earlier_versions")
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    mode = models.CharField(max_length=15, choices=ContactMode.choices)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(help_text="When this version was recorded.")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correction_reason = models.TextField("reason for the correction")
    superseded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contact", "-superseded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(correction_reason=""), name="contact_correction_has_reason")
        ]

    def __str__(self) -> str:
        return f"Contact {self.contact_id} as recorded {self.recorded_at:%d/%m/%Y %H:%M}"
