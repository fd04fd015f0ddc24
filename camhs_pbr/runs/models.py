"""The abstract record of a background run: its status, when it was asked for, started, last seen alive and
finished, how often the reaper queued it again, and why it failed. Each kind adds only its domain fields."""

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RunStatus(models.TextChoices):
    """The life of a background run."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def one_active_run_per(
    *fields: str, name: str, nulls_distinct: bool | None = None
) -> models.UniqueConstraint:
    """The database constraint that allows at most one queued or running run for each value of `fields`:
    a second request joins the active run instead of executing the same work again."""
    return models.UniqueConstraint(
        fields=list(fields), condition=Q(status__in=ACTIVE), name=name, nulls_distinct=nulls_distinct
    )


class Run(models.Model):
    """A background run: created queued, sent to the task queue on commit, started by a worker, kept alive by
    its heartbeat, finished done or failed with a reason in words (camhs_pbr.runs.lifecycle)."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a run the system started (a schedule or the command line).",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        default=timezone.now, help_text="Last sign of life: queued, started, or the worker's heartbeat."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Time from start to finish.")
    requeues = models.PositiveSmallIntegerField(
        default=0, help_text="Times the reaper queued it again after it stopped showing signs of life."
    )
    refused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the task queue was unreachable and the run could not be sent; empty once it is sent.",
    )
    error = models.TextField(blank=True, help_text="Why it failed, in words.")

    # A kind whose runs are one record per key (a report of a month and scope) is queued again in place.
    rerun_in_place: ClassVar[bool] = False

    class Meta:
        abstract = True

    @property
    def unfinished(self) -> bool:
        return self.status in ACTIVE

    @property
    def stalled(self) -> bool:
        """No sign of life for longer than RUN_STALL_SECONDS: its worker is probably lost."""
        quiet = dt.timedelta(seconds=settings.RUN_STALL_SECONDS)
        return self.status in ACTIVE and self.refused_at is None and self.progress_at < timezone.now() - quiet
