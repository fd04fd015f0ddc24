"""The data manager's pages: upload an extract (run on a worker), see its counts and rejected rows, download
the report; scoped to their own provider; no case page for a data manager."""

import io
import zipfile

import pytest
from django.urls import reverse

from accounts.models import Role
from assessments.models import Case, Patient
from imports.models import ImportRun
from imports.services import run_import
from tests import factories
from tests.imports import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_manager(service):
    return factories.user(Role.DATA_MANAGER, provider=service["provider"])


def _zip(service, tmp_path, change=None) -> io.BytesIO:
    files = helpers.rows(service)
    if change:
        change(files)
    folder = helpers.write(tmp_path / "extract", files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for entry in folder.iterdir():
            out.write(entry, entry.name)
    buffer.seek(0)
    buffer.name = "extract.zip"
    return buffer


def _bad_contact(files):
    files[helpers.CONTACTS][1]["AttendOrDNACode"] = "8"


def test_a_data_manager_uploads_an_extract_and_reads_its_report(
    client, service, data_manager, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(data_manager)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("imports:index"), {"extract": _zip(service, tmp_path, _bad_contact), "mode": "delta"}
        )
    run = ImportRun.objects.get()
    assert response.url == reverse("imports:run", args=[run.pk])
    run_import(run.pk)  # what the worker does
    page = client.get(response.url).content.decode()
    assert "contacts.csv" in page and "is not an AttendOrDNACode" in page
    report = client.get(reverse("imports:report", args=[run.pk]))
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines()[1].startswith("contacts.csv,3,AttendOrDNACode,")
    assert Patient.objects.filter(provider=service["provider"]).count() == 2
    assert list((tmp_path / "uploads").iterdir()) == []  # the uploaded extract is not kept once loaded


def test_a_data_manager_of_another_provider_can_neither_read_nor_load_into_it(
    client, service, data_manager, tmp_path, settings
):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    other = factories.user(Role.DATA_MANAGER, provider=factories.provider())
    run = ImportRun.objects.create(
        provider=service["provider"], source="upload", name="x", path="/nowhere", fingerprint="f"
    )
    client.force_login(other)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("imports:report", args=[run.pk])).status_code == 404
    assert "Import " + str(run.pk) not in client.get(reverse("imports:index")).content.decode()
    client.post(reverse("imports:index"), {"extract": _zip(service, tmp_path), "mode": "delta"})
    assert ImportRun.objects.exclude(pk=run.pk).get().provider != service["provider"]


def test_a_data_manager_sees_no_case_page(client, service, data_manager, tmp_path):
    from imports import merge
    from imports.files import read_extract

    merge.load(service["provider"], read_extract(helpers.write(tmp_path / "x", helpers.rows(service))))
    client.force_login(data_manager)
    case = Case.objects.get(local_id="R0")
    assert client.get(reverse("assessments:case_detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("assessments:caseload")).status_code == 403
    assert client.get("/").url == reverse("imports:index")


def test_a_data_manager_reviews_the_records_a_full_extract_no_longer_holds(
    client, service, data_manager, tmp_path
):
    from imports import merge
    from imports.files import read_extract

    files = helpers.rows(service)
    merge.load(service["provider"], read_extract(helpers.write(tmp_path / "a", files)))
    files[helpers.CONTACTS] = files[helpers.CONTACTS][:1]
    merge.load(service["provider"], read_extract(helpers.write(tmp_path / "b", files), full=True), full=True)
    client.force_login(data_manager)
    page = client.get(reverse("imports:not_in_extract")).content.decode()
    assert "contacts.csv: 1 record" in page and "<td>C1</td>" in page
    other = factories.user(Role.DATA_MANAGER, provider=factories.provider())
    client.force_login(other)
    assert "<td>C1</td>" not in client.get(reverse("imports:not_in_extract")).content.decode()
