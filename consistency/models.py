"""Second-rater audits and training vignettes. The audit's own ratings are kept here, apart from the case's
Current Views, suggestions and allocations, which they never change and which no clinical report reads."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Provider, Team
from assessments.current_view_items import ITEMS as CURRENT_VIEW_ITEMS
from assessments.current_view_items import MAX_CODE
from assessments.models import Case
from camhs_pbr.runs.models import Run, RunStatus, one_active_run_per
from groupings.models import Allocation, Grouping, RulesVersion


class SamplingMethod(models.TextChoices):
    RANDOM = "random", "Random"
    STRATIFIED = "stratified", "Stratified by team and grouping"


class Audit(Run):
    """A second-rater audit: first the run that samples its allocations (seeded, so the same request samples
    the same cases), then the audit itself, open until its manager closes it."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every team.",
    )
    period_from = models.DateField(help_text="Allocations made from this day...")
    period_to = models.DateField(help_text="...to this day, both included.")
    size = models.PositiveSmallIntegerField(help_text="Allocations to sample.")
    method = models.CharField(max_length=12, choices=SamplingMethod.choices)
    seed = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True, help_text="What the run is doing, in words.")
    candidates = models.PositiveIntegerField(null=True, blank=True, help_text="Allocations sampled from.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            one_active_run_per(
                "requested_by",
                "team",
                "period_from",
                "period_to",
                "size",
                "method",
                "seed",
                name="one_active_audit_sampling",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(period_to__gte=models.F("period_from")), name="audit_period"),
        ]

    def __str__(self) -> str:
        return f"Audit {self.pk}"

    @property
    def is_open(self) -> bool:
        """Sampled and not closed: its second raters may rate."""
        return self.status == RunStatus.DONE and self.closed_at is None


class AuditCase(models.Model):
    """One sampled allocation of an audit and the second clinician asked to rate its case."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="cases")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", help_text="At sampling.")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "allocation"], name="one_audit_case_per_allocation")
        ]

    def __str__(self) -> str:
        return f"Audit {self.audit_id} case {self.case_id}"


class AuditRating(models.Model):
    """The second clinician's Current View items and grouping, chosen blind, and what the rules suggest from
    their items. Never a Current View, a suggestion or an allocation of the case."""

    audit_case = models.OneToOneField(AuditCase, on_delete=models.CASCADE, related_name="rating")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)
    rules_version = models.ForeignKey(RulesVersion, on_delete=models.PROTECT, related_name="+")
    grouping = models.ForeignKey(Grouping, on_delete=models.PROTECT, related_name="+")
    add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggested_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggested_add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=12, help_text="The rule the second rater's items fire.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{item.id}__isnull": True})
                | Q(**{f"{item.id}__gte": 0, f"{item.id}__lte": MAX_CODE[item.response_scale]}),
                name=f"auditrating_{item.id}_range",
            )
            for item in CURRENT_VIEW_ITEMS
        ]

    def __str__(self) -> str:
        return f"Second rating of {self.audit_case}"

    def ratings(self) -> dict[str, int | None]:
        return {item.id: getattr(self, item.id) for item in CURRENT_VIEW_ITEMS}


for _item in CURRENT_VIEW_ITEMS:
    AuditRating.add_to_class(
        _item.id, models.SmallIntegerField(f"{_item.id} {_item.name}", null=True, blank=True)
    )


def _item_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{item.id}__isnull": True})
            | Q(**{f"{item.id}__gte": 0, f"{item.id}__lte": MAX_CODE[item.response_scale]}),
            name=f"{prefix}_{item.id}_range",
        )
        for item in CURRENT_VIEW_ITEMS
    ]


class Vignette(models.Model):
    """A written case for training, with the reference ratings of its 50 items and its reference grouping,
    as agreed by the people named in `agreed_by`. Loaded from CSV by an administrator (`load_vignettes`)."""

    code = models.CharField("id", max_length=20, unique=True)
    vignette_set = models.CharField("set", max_length=100)
    title = models.CharField(max_length=200)
    text = models.TextField()
    reference_grouping = models.CharField(max_length=25, help_text='A code, or a pair: "GH03 + GA02".')
    agreed_by = models.CharField(max_length=300, help_text="Who agreed the reference ratings.")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vignette_set", "code"]
        constraints = _item_constraints("vignette")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def ratings(self) -> dict[str, int | None]:
        return {item.id: getattr(self, item.id) for item in CURRENT_VIEW_ITEMS}


class VignetteRating(models.Model):
    """A clinician's rating of a vignette: the 50 items and a grouping, once per clinician and vignette."""

    vignette = models.ForeignKey(Vignette, on_delete=models.PROTECT, related_name="ratings_given")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)
    grouping = models.ForeignKey(Grouping, on_delete=models.PROTECT, related_name="+")
    add_on_grouping = models.ForeignKey(
        Grouping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vignette", "rated_by"], name="one_rating_per_vignette_and_rater"
            ),
            *_item_constraints("vignetterating"),
        ]

    def __str__(self) -> str:
        return f"{self.vignette.code} rated by {self.rated_by_id}"

    def ratings(self) -> dict[str, int | None]:
        return {item.id: getattr(self, item.id) for item in CURRENT_VIEW_ITEMS}


for _model in (Vignette, VignetteRating):
    for _item in CURRENT_VIEW_ITEMS:
        _model.add_to_class(
            _item.id, models.SmallIntegerField(f"{_item.id} {_item.name}", null=True, blank=True)
        )


class AgreementSubject(models.TextChoices):
    AUDIT = "audit", "One audit"
    AUDITS = "audits", "Every audit of the manager"
    VIGNETTES = "vignettes", "The vignette sets"


class AgreementRun(Run):
    """The agreement figures of one page (an audit's, all a manager's audits', the vignette sets') as one
    manager sees them: one record per page and manager, re-run in place. `figures` (JSON), `scope` and
    `data_as_of` are those of its last successful execution, kept while it runs again or fails."""

    rerun_in_place = True

    subject = models.CharField(max_length=10, choices=AgreementSubject.choices)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose scope (the one rule) the figures are of.",
    )
    figures = models.JSONField(null=True, blank=True)
    scope = models.CharField(
        max_length=2000, blank=True, help_text="The manager's role and teams when the figures were read."
    )
    data_as_of = models.DateTimeField(
        null=True, blank=True, help_text="When the data of the last successful execution was read."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "audit", "manager"],
                name="one_agreement_run_per_subject_audit_and_manager",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(subject=AgreementSubject.AUDIT, audit__isnull=False)
                | (~Q(subject=AgreementSubject.AUDIT) & Q(audit__isnull=True)),
                name="agreement_run_audit_only_for_an_audit",
            ),
        ]

    def __str__(self) -> str:
        of = f" of audit {self.audit_id}" if self.audit_id else ""
        return f"Agreement ({self.get_subject_display()}{of}) for {self.manager_id}"

    @property
    def has_result(self) -> bool:
        """A successful execution's figures are stored (the last good result, whatever the run does now)."""
        return self.data_as_of is not None
