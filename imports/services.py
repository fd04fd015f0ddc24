"""State changes of imports: asking for one (a run on the platform) and running it (the one code path of the
upload page, the drop folder and the import_records command)."""

from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from accounts.audit import Action
from accounts.models import Provider, User
from camhs_pbr.runs import lifecycle
from imports import extracts, filing, merge, sql_checks
from imports.extracts import fingerprint
from imports.files import ExtractRefused, read_extract
from imports.models import ImportMode, ImportRun, ImportSource, Rejection

__all__ = ["Action", "request_import", "run_import"]


def request_import(
    *,
    by: User | None,
    provider: Provider,
    path: Path,
    name: str,
    source: str,
    mode: str = ImportMode.DELTA,
    dry_run: bool = False,
    send: bool = True,
) -> ImportRun:
    """Queue the import of the extract at `path` into `provider`'s records (joining the same extract's run
    while it is active); the request is audited by the platform."""
    with transaction.atomic():
        requested = lifecycle.request(
            ImportRun,
            key={"provider": provider, "fingerprint": fingerprint(path), "mode": mode, "dry_run": dry_run},
            by=by,
            send=send,
            source=source,
            name=name[:200],
            path=str(path),
        )
    return requested.run


def run_import(run_id: int) -> ImportRun | None:
    """Read, check and merge the run's extract; its counts and rejected rows kept on the run. A whole extract
    refused is a done run with the reason (nothing written); a second delivery of a finished run does nothing."""
    if not lifecycle.start(ImportRun, run_id):
        return None
    run = ImportRun.objects.select_related("provider", "requested_by").get(pk=run_id)

    def stage(words: str) -> None:
        lifecycle.beat(ImportRun, run_id, stage=words)

    stage("Reading the extract")
    try:
        files = read_extract(Path(run.path), full=run.mode == ImportMode.FULL)
        outcome = merge.load(
            run.provider,
            files,
            full=run.mode == ImportMode.FULL,
            dry_run=run.dry_run,
            by=run.requested_by,
            stage=stage,
        )
    except ExtractRefused as refused:
        with transaction.atomic():
            lifecycle.finish(ImportRun, run_id, refused=f"The extract was not loaded: {refused}.", stage="")
    except (OperationalError, InterfaceError):
        raise  # the platform retries the run with a fresh connection: the extract stays where it is
    except Exception:
        if run.source == ImportSource.DROP_FOLDER:
            filing.file_away(run, failed=True)  # the platform fails the run with the reason
        raise
    else:
        with transaction.atomic():
            Rejection.objects.filter(run_id=run_id).delete()
            if outcome.held is None:  # PostgreSQL: still in the load's table, copied across set-based
                sql_checks.save_rejections(run_id)
            else:
                Rejection.objects.bulk_create(
                    [
                        Rejection(run_id=run_id, file=r.file, line=r.line, column=r.column, reason=r.reason)
                        for r in outcome.held
                    ],
                    batch_size=5000,
                )
            lifecycle.finish(ImportRun, run_id, counts=outcome.as_json(), stage="")
    run.refresh_from_db()
    if run.source == ImportSource.DROP_FOLDER:
        filing.file_away(run)
    elif run.source == ImportSource.UPLOAD and Path(run.path).is_relative_to(settings.IMPORT_UPLOAD_DIR):
        extracts.remove(Path(run.path))  # personal data: an uploaded extract is kept only until it is loaded
    return run
