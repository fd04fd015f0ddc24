"""A stored lab run: who asked for which fit over which episodes, its data snapshot, result and fitted model."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Provider
from camhs_pbr.runs.models import Run, RunStatus, one_active_run_per
from groupings.models import RulesVersion
from lab import limits


class Method(models.TextChoices):
    TREE = "tree", "Regression tree"
    CLUSTERS = "clusters", "Clusters (k-means)"
    CLASSIFIER = "classifier", "Classifier of allocations"


class LabRun(Run):
    """One fit of a method over the closed episodes a service manager sees, run on Celery (lab/tasks.py).

    The same episodes (fingerprint), method, parameters and seed give the same result. A done classifier
    run may be published for allocation help: at most one per provider (a database constraint). At most one
    run of the same person, method, parameters, seed, period, window and rules is queued or running."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=100, blank=True, help_text="What the run is doing, in words.")
    method = models.CharField(max_length=12, choices=Method.choices)
    params = models.JSONField(default=dict, help_text="lab.methods.Params fields, as asked for.")
    seed = models.PositiveIntegerField(default=0)
    closed_from = models.DateField()
    closed_to = models.DateField()
    window = models.PositiveSmallIntegerField(
        default=limits.DEFAULT_WINDOW,
        help_text="The first Current View counts if completed by the date of this attended contact.",
    )
    rules_version = models.ForeignKey(
        RulesVersion, on_delete=models.PROTECT, related_name="+", help_text="The rules compared with."
    )
    episodes = models.PositiveIntegerField(null=True, blank=True, help_text="Episodes selected.")
    fingerprint = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the episodes' data.")
    result = models.JSONField(null=True, blank=True, help_text="FitResult.to_json().")
    model_file = models.CharField(
        max_length=200, blank=True, help_text="The fitted model (joblib), relative to LAB_MODELS_DIR."
    )
    for_allocation_help = models.BooleanField(
        default=False, help_text="Published: the Current View page shows its estimate."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_version = models.ForeignKey(
        RulesVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The rules version this tree was published as (lab.publish); current only if an administrator "
        "made it so.",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            one_active_run_per(
                "requested_by",
                "method",
                "params",
                "seed",
                "closed_from",
                "closed_to",
                "window",
                "rules_version",
                name="one_active_lab_run_per_request",
            ),
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(for_allocation_help=True),
                name="one_allocation_help_classifier_per_provider",
            ),
            models.CheckConstraint(
                condition=Q(for_allocation_help=False) | Q(method=Method.CLASSIFIER, status=RunStatus.DONE),
                name="allocation_help_is_a_done_classifier",
            ),
            models.CheckConstraint(
                condition=Q(closed_from__lte=models.F("closed_to")), name="lab_run_period_in_order"
            ),
            models.CheckConstraint(condition=Q(window__gte=1), name="lab_run_window_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"Lab run {self.pk}: {self.get_method_display()}"
