"""The Current View form as stored (SPEC §2): one nullable column per item, NULL = Not known."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.current_view_items import ITEMS as CURRENT_VIEW_ITEMS
from assessments.current_view_items import MAX_CODE
from assessments.models.records import (
    Case,
    FromRecordsSystem,
    absent_field,
    flagged_index,
    local_id_field,
    set_by_hand_user_field,
    set_only_by_hand,
    source_provider_field,
    unique_local_id,
)


class CurrentViewReason(models.TextChoices):
    FIRST_CONTACT = "first_contact", "First contact"
    CHANGED_SITUATION = "changed_situation", "Changed situation"
    CHANGED_UNDERSTANDING = "changed_understanding", "Changed understanding"


class CurrentView(FromRecordsSystem, models.Model):
    """A Current View form completed for a case (SPEC §2); one nullable column per item, NULL = Not known."""

    # Indexed as the first column of currentview_latest_idx.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="current_views", db_index=False)
    completed_on = models.DateField()
    # Blank: not recorded (an extract of the records system carries no reason; the forms require one).
    reason = models.CharField(
        "reason for completing", max_length=25, choices=CurrentViewReason.choices, blank=True
    )
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrected_by = set_by_hand_user_field("Who recorded the form as it now reads, when it was corrected.")
    corrected_at = models.DateTimeField(null=True, blank=True)
    # A database default too: bulk writers (the demo's and benchmarks' COPY, an import's merge) name no version.
    version = models.PositiveIntegerField(default=1, db_default=1, help_text="Raised by each correction.")
    source_provider = source_provider_field()
    local_id = local_id_field("AssessmentId")
    not_in_latest_extract = absent_field()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "-completed_on", "-id"], name="currentview_latest_idx"),
            set_only_by_hand("corrected_by", "currentview_corrected_by_idx"),
            flagged_index("source_provider", "currentview_flagged_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{item.id}__isnull": True})
                | Q(**{f"{item.id}__gte": 0, f"{item.id}__lte": MAX_CODE[item.response_scale]}),
                name=f"currentview_{item.id}_range",
            )
            for item in CURRENT_VIEW_ITEMS
        ] + [unique_local_id("source_provider", "currentview_local_id_unique_per_provider")]

    def __str__(self) -> str:
        return f"Current View of {self.completed_on:%d/%m/%Y}"

    def ratings(self) -> dict[str, int | None]:
        return {item.id: getattr(self, item.id) for item in CURRENT_VIEW_ITEMS}

    @property
    def answers_recorded_by_id(self) -> int:
        """Who recorded the form as it now reads: the last corrector, or the first recorder."""
        return self.corrected_by_id or self.recorded_by_id

    @property
    def answers_recorded_at(self):
        return self.corrected_at or self.recorded_at


class CurrentViewVersion(models.Model):
    """A Current View as it read before a correction: who recorded it, and who corrected it, when and why.

    The view itself is corrected in place, so every reader (the latest view of a case, re-grouping, reports,
    the lab) reads the current version only."""

    current_view = models.ForeignKey(CurrentView, on_delete=models.PROTECT, related_name="earlier_versions")
    completed_on = models.DateField()
    reason = models.CharField("reason for completing", max_length=25, choices=CurrentViewReason.choices)
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ratings = models.JSONField(help_text="Item id -> code as stored on the view; null = Not known.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(help_text="When this version was recorded.")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correction_reason = models.TextField("reason for the correction")
    superseded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["current_view", "-superseded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(correction_reason=""), name="current_view_correction_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.current_view} as recorded {self.recorded_at:%d/%m/%Y %H:%M}"


for _item in CURRENT_VIEW_ITEMS:
    CurrentView.add_to_class(
        _item.id, models.SmallIntegerField(f"{_item.id} {_item.name}", null=True, blank=True)
    )
