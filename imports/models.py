"""An import of one extract of a provider's records system: a run on the run platform (camhs_pbr/runs) with
its counts per file and its rejected rows."""

from django.db import models

from accounts.models import Provider
from camhs_pbr.runs.models import Run, one_active_run_per


class ImportMode(models.TextChoices):
    DELTA = "delta", "Delta: only what the files hold"
    FULL = "full", "Full: also flag this provider's records the extract no longer holds"


class ImportSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded on the import page"
    DROP_FOLDER = "drop_folder", "Picked up from the drop folder"
    COMMAND = "command", "The import_records command"


class ImportRun(Run):
    """One extract (a folder or a zip at `path`) loaded into one provider's records. The same extract
    (fingerprint) asked for again while it runs joins the run; a second load of it changes nothing."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="import_runs")
    mode = models.CharField(max_length=5, choices=ImportMode.choices, default=ImportMode.DELTA)
    dry_run = models.BooleanField(default=False, help_text="Checked and counted; nothing written.")
    source = models.CharField(max_length=12, choices=ImportSource.choices)
    name = models.CharField(max_length=200, help_text="The extract's name as it was given.")
    path = models.CharField(max_length=500, help_text="Where the worker reads the extract.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the extract's files.")
    stage = models.CharField(max_length=100, blank=True)
    refused = models.TextField(
        blank=True, help_text="Why the whole extract was refused before any write (a file, a column, ...)."
    )
    counts = models.JSONField(
        default=dict, blank=True, help_text="Per file: rows read, loaded, updated, unchanged, rejected."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            one_active_run_per(
                "provider", "fingerprint", "mode", "dry_run", name="one_active_import_per_extract"
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.name}"

    @property
    def rejected_rows(self) -> int:
        return sum(int(count.get("rejected", 0)) for count in self.counts.values())


class Rejection(models.Model):
    """A rejected row of an import's extract: the file, its line (the header is line 1), column and reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    file = models.CharField(max_length=40)
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"
