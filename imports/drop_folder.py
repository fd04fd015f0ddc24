"""The drop folder: a provider's records system leaves each extract (a zip or a folder) in
IMPORT_DROP_DIR/<ODS code>/; Celery beat picks it up, moves it to `processing/` and queues its import, which
then moves it to `done/` (read, even with rejected rows) or `failed/` (refused whole), with its report beside it."""

import datetime as dt
import logging
import shutil
from pathlib import Path

from django.conf import settings

from accounts.models import Provider
from imports.filing import DONE, FAILED, PROCESSING
from imports.services import request_import

logger = logging.getLogger(__name__)

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
