"""The drop folder: a provider's records system leaves each extract (a zip or a folder) in
IMPORT_DROP_DIR/<ODS code>/; Celery beat picks it up, moves it to `processing/` and queues its import, which
then moves it to `done/` (read, even with rejected rows) or `failed/` (refused whole), with its report beside it."""

import datetime as dt
import logging
import shutil
from pathlib import Path

from django.conf import settings

from accounts.models import Provider
from camhs_pbr.lib import safe_csv
from camhs_pbr.runs.models import RunStatus
from imports.models import ImportRun

logger = logging.getLogger(__name__)

PROCESSING, DONE, FAILED = "processing", "done", "failed"
SETTLED_SECONDS = 10  # a folder still being written (changed in the last seconds) waits for the next round


def _settled(entry: Path) -> bool:
    now = dt.datetime.now().timestamp()
    newest = max(
        [entry.stat().st_mtime, *(child.stat().st_mtime for child in entry.iterdir())]
        if entry.is_dir()
        else [entry.stat().st_mtime]
    )
    return now - newest >= SETTLED_SECONDS


def pick_up(settled_seconds: float | None = None) -> int:
    """Queue the import of every settled extract in the drop folder of each provider; returns how many."""
    from imports.services import request_import

    root = settings.IMPORT_DROP_DIR
    if not root:
        return 0
    queued = 0
    for provider_dir in sorted(Path(root).iterdir()) if Path(root).is_dir() else []:
        provider = Provider.objects.filter(code=provider_dir.name).first()
        if provider is None or not provider_dir.is_dir():
            continue
        for entry in sorted(provider_dir.iterdir()):
            if entry.name in (PROCESSING, DONE, FAILED) or entry.name.startswith("."):
                continue
            if settled_seconds != 0 and not _settled(entry):
                continue
            processing = provider_dir / PROCESSING
            processing.mkdir(exist_ok=True)
            target = processing / entry.name
            if target.exists():
                target = processing / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{entry.name}"
            shutil.move(str(entry), target)
            request_import(by=None, provider=provider, path=target, name=entry.name, source="drop_folder")
            queued += 1
    return queued


def file_away(run: ImportRun) -> None:
    """Move a picked-up extract to done/ or failed/ with its report (`<name>.report.csv`)."""
    path = Path(run.path)
    if not path.exists() or path.parent.name != PROCESSING:
        return
    folder = path.parent.parent / (FAILED if run.refused or run.status == RunStatus.FAILED else DONE)
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    shutil.move(str(path), target)
    with open(folder / f"{path.name}.report.csv", "w", newline="", encoding="utf-8") as out:
        write_report(run, out)
    run.path = str(target)
    run.save(update_fields=["path"])


def write_report(run: ImportRun, out) -> None:
    """The run's report as CSV: one line per rejected row (`file, line, column, reason`), or the reason the
    whole extract was refused (line 0)."""
    writer = safe_csv.writer(out)
    writer.writerow(["file", "line", "column", "reason"])
    if run.refused:
        writer.writerow(["", 0, "", run.refused])
    for rejection in run.rejections.order_by("pk").iterator():
        writer.writerow([rejection.file, rejection.line, rejection.column, rejection.reason])
