"""Where a picked-up extract goes when its import ends: `done/` (read, even with rejected rows) or `failed/`
(refused whole, or the run failed), with its report beside it; and the report as CSV."""

import shutil
from pathlib import Path
from typing import TextIO

from camhs_pbr.lib import safe_csv
from camhs_pbr.runs.models import RunStatus
from imports.models import ImportRun

PROCESSING, DONE, FAILED = "processing", "done", "failed"


def file_away(run: ImportRun, *, failed: bool = False) -> None:
    """Move a picked-up extract to done/ or failed/ with its report (`<name>.report.csv`)."""
    path = Path(run.path)
    if not path.exists() or path.parent.name != PROCESSING:
        return
    folder = path.parent.parent / (
        FAILED if failed or run.refused or run.status == RunStatus.FAILED else DONE
    )
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    shutil.move(str(path), target)
    with open(folder / f"{path.name}.report.csv", "w", newline="", encoding="utf-8") as out:
        write_report(run, out)
    run.path = str(target)
    run.save(update_fields=["path"])


def write_report(run: ImportRun, out: TextIO) -> None:
    """The run's report as CSV: one line per rejected row (`file, line, column, reason`), or the reason the
    whole extract was refused (line 0)."""
    writer = safe_csv.writer(out)
    writer.writerow(["file", "line", "column", "reason"])
    if run.refused:
        writer.writerow(["", 0, "", run.refused])
    for rejection in run.rejections.order_by("pk").iterator():
        writer.writerow([rejection.file, rejection.line, rejection.column, rejection.reason])
