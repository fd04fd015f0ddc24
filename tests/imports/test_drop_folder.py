"""The drop folder: an extract left in IMPORT_DROP_DIR/<ODS code>/ is picked up (Celery beat's task), loaded
by the same code path as an upload, then moved to done/ (read) or failed/ (refused whole) with its report."""

import pytest
from django.conf import settings

from assessments.models import Patient
from imports import drop_folder
from imports.models import ImportRun, ImportSource
from imports.services import run_import
from imports.tasks import pick_up_drop_folder
from tests.imports import helpers

pytestmark = pytest.mark.django_db


def test_beat_schedules_the_pick_up():
    assert settings.CELERY_BEAT_SCHEDULE["pick-up-drop-folder"]["task"] == pick_up_drop_folder.name


def test_an_extract_in_the_drop_folder_is_loaded_and_moved_to_done_with_its_report(
    service, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DROP_DIR = str(tmp_path / "drop")
    files = helpers.rows(service)
    files[helpers.CONTACTS][1]["AttendOrDNACode"] = "8"
    provider_dir = tmp_path / "drop" / service["provider"].code
    helpers.write(provider_dir / "night-1", files)
    with django_capture_on_commit_callbacks(execute=False):
        assert drop_folder.pick_up(settled_seconds=0) == 1
    run = ImportRun.objects.get()
    assert run.source == ImportSource.DROP_FOLDER and not (provider_dir / "night-1").exists()
    run_import(run.pk)  # what the worker does
    assert (provider_dir / "done" / "night-1" / "patients.csv").exists()
    report = (provider_dir / "done" / "night-1.report.csv").read_text().splitlines()
    assert report[0] == "file,line,column,reason" and report[1].startswith("contacts.csv,3,AttendOrDNACode,")
    assert Patient.objects.count() == 2


def test_a_refused_extract_is_moved_to_failed_with_the_reason(
    service, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DROP_DIR = str(tmp_path / "drop")
    provider_dir = tmp_path / "drop" / service["provider"].code
    folder = helpers.write(provider_dir / "night-2", helpers.rows(service))
    (folder / "patients.csv").write_bytes(b"")
    with django_capture_on_commit_callbacks(execute=False):
        drop_folder.pick_up(settled_seconds=0)
    run_import(ImportRun.objects.get().pk)
    assert (provider_dir / "failed" / "night-2").is_dir()
    assert "patients.csv is empty" in (provider_dir / "failed" / "night-2.report.csv").read_text()
    assert not Patient.objects.exists()


def test_an_unknown_provider_folder_and_the_filed_extracts_are_left_alone(service, tmp_path, settings):
    settings.IMPORT_DROP_DIR = str(tmp_path / "drop")
    helpers.write(tmp_path / "drop" / "NOSUCH" / "night-1", helpers.rows(service))
    helpers.write(tmp_path / "drop" / service["provider"].code / "done" / "night-0", helpers.rows(service))
    assert drop_folder.pick_up(settled_seconds=0) == 0
    assert not ImportRun.objects.exists()


def test_an_extract_whose_run_fails_is_moved_to_failed(
    service, tmp_path, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from imports import merge

    settings.IMPORT_DROP_DIR = str(tmp_path / "drop")
    provider_dir = tmp_path / "drop" / service["provider"].code
    helpers.write(provider_dir / "night-3", helpers.rows(service))
    with django_capture_on_commit_callbacks(execute=False):
        drop_folder.pick_up(settled_seconds=0)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge, "load", broken)
    with pytest.raises(RuntimeError):
        run_import(ImportRun.objects.get().pk)
    assert (provider_dir / "failed" / "night-3").is_dir()
