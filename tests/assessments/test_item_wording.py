"""Licensed item wording: forms show item numbers until an administrator loads a measure's wording from a CSV
file, which is checked against the measure's items and loaded whole or not at all."""

import datetime as dt

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from assessments import measures
from assessments.item_wording import WordingRefused, parse_wording
from assessments.models import MeasureItemWording
from tests import factories
from tests.support.logins import log_in_with_second_factor

UPLOAD = "/admin/assessments/measureitemwording/upload/"


def csv_of(rows: list[tuple[object, str]], header: str = "item,text") -> bytes:
    return "\n".join([header, *(f'{item},"{text}"' for item, text in rows)]).encode()


def hospital_wording(count: int, words: str = "Wording") -> list[tuple[object, str]]:
    return [(item, f"{words} of item {item}, in full") for item in range(1, count + 1)]


def problems(content: bytes, code: str = "sdq") -> list[str]:
    with pytest.raises(WordingRefused) as refused:
        parse_wording(content, measures.measure(code))
    return refused.value.problems


class TestTheFile:
    def test_a_good_file_gives_the_text_of_every_item(self):
        wording = parse_wording(b"\xef\xbb\xbf" + csv_of(hospital_wording(25)), measures.SDQ)
        assert list(wording) == list(range(1, 26))
        assert wording[7] == "Wording of item 7, in full"

    def test_the_header_must_be_item_and_text(self):
        assert problems(csv_of(hospital_wording(25), header="number,wording")) == [
            "Line 1: the header must be item,text (found number,wording)."
        ]

    def test_every_bad_row_is_reported_with_its_line_and_reason(self):
        rows = hospital_wording(25)
        rows[2] = ("three", "Wording of item 3")  # line 4
        rows[6] = (7, "  ")  # line 8
        rows[9] = (9, "Item 9 again")  # line 11: item 10 is then missing
        assert problems(csv_of(rows)) == [
            "Line 4: the item 'three' is not a whole number.",
            "Line 8: the text of item 7 is empty.",
            "Line 11: item 9 is given again (first on line 10).",
            "No line gives items 3, 10.",
        ]

    def test_the_items_must_match_the_measures_item_count(self):
        assert problems(csv_of(hospital_wording(47)))[:2] == [
            "Line 27: SDQ has items 1 to 25: there is no item 26.",
            "Line 28: SDQ has items 1 to 25: there is no item 27.",
        ]
        assert problems(csv_of(hospital_wording(46)), "rcads") == ["No line gives item 47."]

    def test_an_empty_or_non_utf8_file_is_refused_with_a_reason(self):
        assert problems(b"") == ["The file is empty: expected the header item,text."]
        assert problems("item,text\n1,Très\n".encode("latin-1")) == [
            "The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8."
        ]


@pytest.fixture
def admin_client(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def upload(client, content: bytes, measure="sdq", informant="", licence=True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"measure": measure, "informant": informant, "file": SimpleUploadedFile("w.csv", content)}
    return client.post(UPLOAD, data | ({"licence": "on"} if licence else {}))


@pytest.mark.django_db
class TestTheAdminUpload:
    def test_an_administrator_loads_a_measures_wording(self, admin_client):
        response = upload(admin_client, csv_of(hospital_wording(25)))
        assert response.status_code == 302
        assert MeasureItemWording.objects.filter(measure="sdq", informant="").count() == 25
        assert AuditEvent.objects.filter(
            action=Action.ADMIN_CHANGE,
            object_type="assessments.measureitemwording",
            object_id="sdq/all informants",
        ).exists()
        page = admin_client.get("/admin/assessments/measureitemwording/").content.decode()
        assert "Load wording from a CSV file" in page and "Wording of item 7, in full" in page

    def test_a_file_with_bad_rows_lists_them_and_keeps_the_wording_loaded_before(self, admin_client):
        upload(admin_client, csv_of(hospital_wording(25, "Old")))
        rows = hospital_wording(25, "New")
        rows[4] = (5, "")
        page = upload(admin_client, csv_of(rows)).content.decode()
        assert "Line 6: the text of item 5 is empty." in page and "Nothing was loaded" in page
        # Nothing half-written: the 24 good rows of the refused file are not loaded either.
        texts = set(MeasureItemWording.objects.values_list("text", flat=True))
        assert len(texts) == 25 and all(text.startswith("Old") for text in texts)

    def test_a_file_for_another_count_of_items_is_refused(self, admin_client):
        page = upload(admin_client, csv_of(hospital_wording(13)), measure="rcads").content.decode()
        assert "No line gives items 14, 15, 16" in page
        assert not MeasureItemWording.objects.exists()

    def test_the_service_must_say_it_holds_a_licence(self, admin_client):
        page = upload(admin_client, csv_of(hospital_wording(25)), licence=False).content.decode()
        assert "Only wording your service holds a licence for may be loaded." in page
        assert not MeasureItemWording.objects.exists()

    def test_a_form_the_measure_does_not_have_is_refused(self, admin_client):
        page = upload(admin_client, csv_of(hospital_wording(25)), informant="clinician").content.decode()
        assert "SDQ has no Clinician form." in page
        assert not MeasureItemWording.objects.exists()

    def test_a_clinician_cannot_reach_the_upload(self, client, service):
        client.force_login(service["clinician"])
        assert client.get(UPLOAD).status_code == 302  # to the admin's login
        assert not MeasureItemWording.objects.exists()


@pytest.mark.django_db
class TestTheForms:
    @pytest.fixture
    def case(self, service):
        return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))

    def test_a_measure_shows_item_numbers_and_no_wording_by_default(self, client, service, case):
        client.force_login(service["clinician"])
        page = client.get(f"/cases/{case.pk}/measures/sdq/parent/new/").content.decode()
        assert '<th scope="row" id="label-7" class="fw-normal">Item 7' in page
        assert 'data-testid="item-wording"' not in page

    def test_loaded_wording_is_shown_and_a_forms_own_wording_comes_before_the_shared_one(
        self, client, service, case
    ):
        for item in range(1, 26):
            MeasureItemWording.objects.create(measure="sdq", item=item, text=f"Shared words {item}")
        MeasureItemWording.objects.create(measure="sdq", informant="self", item=7, text="My own words 7")
        client.force_login(service["clinician"])
        parent = client.get(f"/cases/{case.pk}/measures/sdq/parent/new/").content.decode()
        own = client.get(f"/cases/{case.pk}/measures/sdq/self/new/").content.decode()
        assert 'Item 7<span class="d-block" data-testid="item-wording">Shared words 7</span>' in parent
        assert 'Item 7<span class="d-block" data-testid="item-wording">My own words 7</span>' in own
        assert "Shared words 8" in own
