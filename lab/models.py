"""A stored lab run: who asked for which fit over which episodes, its data snapshot, result and fitted model."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Provider
from groupings.models import RulesVersion, RunStatus
from lab import limits


class Method(models.TextChoices):
    TREE = "tree", "Regression tree"
    CLUSTERS = "clusters", "Clusters (k-means)"
    CLASSIFIER = "classifier", "Classifier of allocations"


class LabRun(models.Model):
    """One fit of a method over the closed episodes a service manager sees, run on Celery (lab/tasks.py).

    The same episodes (fingerprint), method, parameters and seed give the same result. A done classifier
    run may be published for allocation help: at most one per provider (a database constraint)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
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
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Time from start to finish.")
    error = models.TextField(blank=True)
    progress_at = models.DateTimeField(
        default=timezone.now, help_text="Last sign of life: queued, started, or a stage begun."
    )
    requeues = models.PositiveSmallIntegerField(
        default=0, help_text="Times the reaper queued it again after it stopped making progress."
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

    @property
    def unfinished(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
