"""An administrator loads a vignette library from a CSV file in the admin: a good file says how many it loaded,
a bad one lists every bad line with its reason and loads nothing; no one else reaches the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from consistency.models import Vignette
from tests import factories
from tests.consistency.test_vignettes import DEMO, line, write
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db
UPLOAD = "/admin/consistency/vignette/upload/"


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def upload(client, content: bytes):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("vignettes.csv", content)}, follow=True)


def test_an_administrator_loads_the_library_and_is_told_how_many(admin_client):
    assert (
        "Load vignettes from a CSV file" in admin_client.get("/admin/consistency/vignette/").content.decode()
    )
    response = upload(admin_client, DEMO.read_bytes())
    assert response.redirect_chain[-1][0] == "/admin/consistency/vignette/"
    assert "Loaded 12 vignettes; clinicians can rate them now." in response.content.decode()
    assert Vignette.objects.count() == 12
    assert AuditEvent.objects.filter(action=Action.LOAD_VIGNETTES, user__role=Role.ADMINISTRATOR).exists()


def test_a_bad_file_lists_every_bad_line_with_its_reason_and_loads_nothing(admin_client, tmp_path):
    content = write(
        tmp_path, line("A1"), line("A1"), line("A3", grouping="GX99"), line("A4", p09="Very"), ["A5", "short"]
    ).read_bytes()
    page = upload(admin_client, content).content.decode()
    assert "Nothing was loaded" in page
    for problem in (
        "Line 3: id &#x27;A1&#x27; is on line 2 too.",
        "Line 4: grouping GX99 is not in the current rules version.",
        "Line 5: p09: &#x27;Very&#x27; is not a rating",
        "Line 6: the row has 2 cells, the header has 56.",
    ):
        assert problem in page
    assert not Vignette.objects.exists()  # not even the good line 2


def test_a_file_that_is_not_utf8_is_refused(admin_client):
    page = upload(admin_client, "id,set\nA1,Très\n".encode("latin-1")).content.decode()
    assert "Nothing was loaded" in page and "UTF-8" in page
    assert not Vignette.objects.exists()


def test_a_clinician_or_a_manager_cannot_reach_the_upload(client, service):
    for user in (service["clinician"], factories.user(Role.SERVICE_MANAGER, provider=service["provider"])):
        client.force_login(user)
        assert client.get(UPLOAD).status_code == 302  # to the admin's login
        assert (
            client.post(UPLOAD, {"file": SimpleUploadedFile("v.csv", DEMO.read_bytes())}).status_code == 302
        )
    assert not Vignette.objects.exists()


def test_a_staff_member_without_the_permission_to_add_vignettes_is_refused(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True))
    assert client.get(UPLOAD).status_code == 403
