"""The grouping catalogue and rules versions (reference data), suggestions and allocations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from assessments.models import Case, CurrentView, CurrentViewVersion
from camhs_pbr.runs.models import Run, one_active_run_per
from groupings import limits
from groupings.rules import RuleSet, pair_code, ruleset_from_definition


class RulesVersion(models.Model):
    """A rules version: its catalogue of groupings and its rules parameters (SPEC §3, §4)."""

    label = models.CharField(max_length=50, unique=True, help_text='e.g. "CAMHS-NBG v1"')
    description = models.TextField(blank=True)
    rules_definition = models.JSONField(help_text="Parameters of the rules engine for this version.")
    is_current = models.BooleanField(
        default=False, help_text="The version used for new suggestions. Only one can be current."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "groupings_scheme"  # the table's name from before the model was renamed
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def ruleset(self) -> RuleSet:
        return ruleset_from_definition(self.label, self.rules_definition)

    def catalogue_faults(self) -> list[str]:
        """Groupings the rules suggest that the catalogue lacks or marks as never suggested."""
        return self.ruleset().catalogue_faults(dict(self.groupings.values_list("code", "suggestible")))


class SuperGroup(models.TextChoices):
    GETTING_ADVICE = "Getting Advice"
    GETTING_HELP = "Getting Help"
    GETTING_MORE_HELP = "Getting More Help"


class Grouping(models.Model):
    rules_version = models.ForeignKey(
        RulesVersion, on_delete=models.PROTECT, related_name="groupings", db_column="scheme_id"
    )
    code = models.CharField(max_length=10)
    super_group = models.CharField(max_length=20, choices=SuperGroup.choices)
    name = models.CharField(max_length=120)
    review_months = models.PositiveSmallIntegerField(help_text="Months from allocation to review.")
    expected_appointments = models.PositiveSmallIntegerField()
    suggestible = models.BooleanField(
        default=True,
        help_text="Untick for a grouping the rules never suggest (e.g. possible emerging personality "
        "disorder in the published algorithm); clinicians can still allocate it.",
    )

    class Meta:
        ordering = ["rules_version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rules_version", "code"], name="grouping_code_unique_per_scheme"),
            models.CheckConstraint(condition=Q(review_months__gte=1), name="grouping_review_months_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if not self.suggestible and self.rules_version_id:
            try:
                suggested = self.rules_version.ruleset().grouping_codes()
            except ValueError:
                return  # the version's own form reports faulty rules
            if self.code in suggested:
                raise ValidationError(
                    {
                        "suggestible": f"The rules of {self.rules_version} suggest {self.code}: it must stay suggestible."
                    }
                )


class Suggestion(models.Model):
    """What the rules of one rules version suggest for one Current View. Never an allocation by itself."""

    current_view = models.ForeignKey(CurrentView, on_delete=models.PROTECT, related_name="suggestions")
    rules_version = models.ForeignKey(
        RulesVersion, on_delete=models.PROTECT, related_name="+", db_column="scheme_id"
    )
    grouping = models.ForeignKey(
        Grouping,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when there was not enough information to suggest one.",
    )
    add_on_grouping = models.ForeignKey(
        Grouping,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Suggested beside the grouping by an add-on rule; empty for none (always under v1).",
    )
    rule = models.CharField(max_length=12)
    complexity_count = models.PositiveSmallIntegerField()
    attendance_flag = models.BooleanField()
    risk_flag = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["current_view", "rules_version"], name="one_suggestion_per_view_and_scheme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.pair_code or 'no suggestion'}"

    @property
    def pair_code(self) -> str | None:
        return pair_code(
            self.grouping.code if self.grouping else None,
            self.add_on_grouping.code if self.add_on_grouping else None,
        )


class SuggestionChange(models.Model):
    """What a correction of a Current View did to its suggestion under the rules version current then: the
    suggestion before and after. A correction never changes an allocation; this tells the clinician to look."""

    correction = models.OneToOneField(
        CurrentViewVersion, on_delete=models.PROTECT, related_name="suggestion_change"
    )
    rules_version = models.ForeignKey(
        RulesVersion, on_delete=models.PROTECT, related_name="+", db_column="scheme_id"
    )
    earlier_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    earlier_add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grouping = models.ForeignKey(Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.earlier_pair_code or 'no suggestion'} → {self.pair_code or 'no suggestion'}"

    @property
    def earlier_pair_code(self) -> str | None:
        return pair_code(
            self.earlier_grouping.code if self.earlier_grouping else None,
            self.earlier_add_on_grouping.code if self.earlier_add_on_grouping else None,
        )

    @property
    def pair_code(self) -> str | None:
        return pair_code(
            self.grouping.code if self.grouping else None,
            self.add_on_grouping.code if self.add_on_grouping else None,
        )

    @property
    def changed(self) -> bool:
        return (self.earlier_grouping_id, self.earlier_add_on_grouping_id) != (
            self.grouping_id,
            self.add_on_grouping_id,
        )

    @property
    def summary(self) -> str:
        """What the correction did to the suggestion, in a sentence for the clinician."""
        if not self.changed:
            return "The suggestion is unchanged."
        return (
            f"The suggestion changed from {self.earlier_pair_code or 'none'} to {self.pair_code or 'none'}; "
            "the allocation is unchanged: review it."
        )


class OverrideReason(models.TextChoices):
    CLINICAL_JUDGEMENT = "clinical_judgement", "Clinical judgement"
    FAMILY_PREFERENCE = "family_preference", "Family preference"
    NEW_INFORMATION = "new_information", "New information"
    OTHER = "other", "Other"


def open_allocation(prefix: str = "") -> Q:
    """The condition of an allocation being open (not ended), on a relation's `prefix` (e.g. "allocations__")."""
    return Q(**{f"{prefix}end_date__isnull": True})


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def open(self) -> "AllocationQuerySet":
        """The open allocations (not ended): at most one per case."""
        return self.filter(open_allocation())


class Allocation(models.Model):
    """A dated episode of a case in a grouping; a new one closes the previous, nothing is edited in place."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    grouping = models.ForeignKey(Grouping, on_delete=models.PROTECT, related_name="allocations")
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggested_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    add_on_grouping = models.ForeignKey(
        Grouping,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="add_on_allocations",
        help_text="A second grouping allocated beside the first (e.g. a neurodevelopmental assessment).",
    )
    suggested_add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_due = models.DateField()
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)
    reason_category = models.CharField(max_length=20, choices=OverrideReason.choices, blank=True)
    reason_text = models.TextField(blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["case", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=open_allocation(), name="one_open_allocation_per_case"
            ),
            models.CheckConstraint(
                condition=open_allocation() | Q(end_date__gte=F("start_date")),
                name="allocation_ends_after_start",
            ),
            # SPEC §4: an allocation other than the suggestion needs a reason; the suggestion is the pair of
            # grouping and add-on, so a different add-on (or one added or left out) is an override too.
            models.CheckConstraint(
                condition=(
                    Q(suggested_grouping__isnull=False, grouping=F("suggested_grouping"))
                    & (
                        Q(add_on_grouping__isnull=True, suggested_add_on_grouping__isnull=True)
                        | Q(add_on_grouping=F("suggested_add_on_grouping"))
                    )
                )
                | (~Q(reason_category="") & ~Q(reason_text="")),
                name="allocation_override_has_reason",
                violation_error_message=limits.OVERRIDE_NEEDS_REASON,
            ),
            models.CheckConstraint(
                condition=~Q(add_on_grouping=F("grouping")),
                name="allocation_add_on_differs",
                violation_error_message=limits.ADD_ON_SAME_AS_GROUPING,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair_code} from {self.start_date:%d/%m/%Y}"

    @property
    def pair_code(self) -> str | None:
        return pair_code(self.grouping.code, self.add_on_grouping.code if self.add_on_grouping else None)

    @property
    def suggested_pair_code(self) -> str | None:
        return pair_code(
            self.suggested_grouping.code if self.suggested_grouping else None,
            self.suggested_add_on_grouping.code if self.suggested_add_on_grouping else None,
        )

    @property
    def follows_suggestion(self) -> bool:
        return (
            self.suggested_grouping_id is not None
            and self.suggested_grouping_id == self.grouping_id
            and self.suggested_add_on_grouping_id == self.add_on_grouping_id
        )


class RegroupingRun(Run):
    """A bulk run of one rules version over the latest Current View of every open case in a user's scope.
    At most one is queued or running per rules version and person (or system-wide run, when no person)."""

    rules_version = models.ForeignKey(
        RulesVersion, on_delete=models.PROTECT, related_name="+", db_column="scheme_id"
    )
    cases = models.PositiveIntegerField(default=0, help_text="Open cases in scope.")
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    views_grouped = models.PositiveIntegerField(
        default=0, help_text="Latest Current Views run through the rules."
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            one_active_run_per(
                "rules_version",
                "requested_by",
                name="one_active_regrouping_per_version_and_person",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.rules_version} run of {self.requested_at:%d/%m/%Y %H:%M}"


class RegroupingChunk(models.Model):
    """One id range of a run's cases; `done_at` set once, so a chunk delivered twice is counted once."""

    run = models.ForeignKey(RegroupingRun, on_delete=models.CASCADE, related_name="chunk_records")
    first_case_id = models.BigIntegerField()
    last_case_id = models.BigIntegerField()
    views = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_case_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "first_case_id"], name="one_chunk_per_run_and_first_case")
        ]

    def __str__(self) -> str:
        return f"cases {self.first_case_id}-{self.last_case_id} of run {self.run_id}"
