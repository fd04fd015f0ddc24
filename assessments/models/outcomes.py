"""Outcome measures (SPEC §6): responses with their scores, goals, and the reference data that scores them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.limits import GOAL_NUMBER
from assessments.measures import MEASURES, measure
from assessments.models.records import Case
from assessments.scoring import Answers

# The database choices of a measure column: the codes and labels of the measure registry.
Measure = models.TextChoices(  # type: ignore[call-overload]  # stubs lack the (name, (value, label)) form
    "Measure", [(spec.code.upper(), (spec.code, spec.label)) for spec in MEASURES.values()]
)


class Informant(models.TextChoices):
    SELF = "self", "Young person"
    PARENT = "parent", "Parent or carer"
    TEACHER = "teacher", "Teacher"
    CLINICIAN = "clinician", "Clinician"


class ScoringRules(models.Model):
    """Missing-data rules of RCADS and HoNOSCA (SPEC §6, PROPOSED): editable, one version current."""

    label = models.CharField(max_length=50, unique=True)
    rcads_max_missing_per_subscale = models.PositiveSmallIntegerField(
        help_text="A subscale with at most this many unanswered items is pro-rated; more makes it missing."
    )
    honosca_max_not_known = models.PositiveSmallIntegerField(
        help_text=(
            "The section A total is missing when more than this many of its 13 scales are not known; the "
            "total of all 15 scales when more than this many of the 15 are (or section A's is missing)."
        )
    )
    is_current = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "scoring rules"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_scoring"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ChangeThreshold(models.Model):
    """SD1, test-retest r and caseness cut-off per measure, scale and informant (SPEC §6, PROPOSED)."""

    measure = models.CharField(max_length=10, choices=Measure.choices)
    scale = models.CharField(max_length=30)
    informant = models.CharField(max_length=10, choices=Informant.choices)
    sd1 = models.FloatField("SD1", help_text="Standard deviation of the first scores in a reference sample.")
    r = models.FloatField("test-retest r")
    cutoff = models.FloatField(
        "caseness cut-off",
        null=True,
        blank=True,
        help_text="Empty: no cut-off, so 'recovered' does not apply.",
    )
    higher_is_worse = models.BooleanField()
    source = models.TextField(blank=True, help_text="Where these figures come from.")

    class Meta:
        ordering = ["measure", "scale", "informant"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "scale", "informant"], name="one_threshold_per_scale"),
            models.CheckConstraint(
                condition=Q(sd1__gt=0) & Q(r__gte=0) & Q(r__lt=1), name="threshold_sd1_r_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.scale} ({self.get_informant_display()})"


class Goal(models.Model):
    """One of up to three goals agreed for a case, rated 0-10 over time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="goals")
    number = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the goal as it now reads.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by each change of the goal.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="goal_number_unique_per_case"),
            models.CheckConstraint(
                condition=Q(number__gte=GOAL_NUMBER.low) & Q(number__lte=GOAL_NUMBER.high),
                name="at_most_three_goals",
                violation_error_message=GOAL_NUMBER.message,
            ),
        ]

    def __str__(self) -> str:
        return f"Goal {self.number}: {self.description}"


class MeasureResponse(models.Model):
    """One completed questionnaire or rating: the raw answers as given, scored when saved or corrected."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measure_responses")
    measure = models.CharField(max_length=10, choices=Measure.choices)
    informant = models.CharField(max_length=10, choices=Informant.choices)
    completed_on = models.DateField()
    answers = models.JSONField(
        help_text="Item -> raw response code (before reverse scoring); null = unanswered."
    )
    scoring_rules = models.ForeignKey(ScoringRules, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the answers as they now read, when they were corrected.",
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised by each correction.")

    class Meta:
        ordering = ["completed_on", "pk"]
        indexes = [models.Index(fields=["case", "measure", "informant", "completed_on"])]

    def __str__(self) -> str:
        return (
            f"{self.get_measure_display()} ({self.get_informant_display()}) of {self.completed_on:%d/%m/%Y}"
        )

    def typed_answers(self) -> Answers:
        """The stored answers as typed values (the one place the stored JSON is read)."""
        return measure(self.measure).answers_from_json(self.answers)

    def set_answers(self, answers: Answers) -> None:
        """Store typed answers as JSON (the one place the stored JSON is written)."""
        self.answers = measure(self.measure).answers_to_json(answers)

    @property
    def answers_recorded_by_id(self) -> int:
        """Who recorded the answers as they now read: the last corrector, or the first recorder."""
        return self.corrected_by_id or self.recorded_by_id

    @property
    def answers_recorded_at(self):
        return self.corrected_at or self.recorded_at


class MeasureResponseVersion(models.Model):
    """Earlier answers of a corrected response, as they read before a correction, and who recorded them."""

    response = models.ForeignKey(MeasureResponse, on_delete=models.PROTECT, related_name="earlier_versions")
    completed_on = models.DateField()
    answers = models.JSONField(help_text="As stored on the response (raw codes; null = unanswered).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(help_text="When these answers were recorded.")
    superseded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Answers of {self.response} recorded {self.recorded_at:%d/%m/%Y %H:%M}"


class MeasureScore(models.Model):
    """One scale's score of a response; empty when missing data leaves it unscorable."""

    response = models.ForeignKey(MeasureResponse, on_delete=models.CASCADE, related_name="scores")
    scale = models.CharField(max_length=30)
    value = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["response", "scale"], name="one_score_per_scale")]

    def __str__(self) -> str:
        return f"{self.scale} = {self.value}"
