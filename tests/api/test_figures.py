"""Report figures through the API: the rows the caller's CSV has, disclosed for a commissioner, paged, and
answered 304 when a nightly pull finds nothing new."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Provider, Role
from api import services
from reports import runs
from reports.periods import Month
from tests import factories
from tests.api.conftest import bearer
from tests.reports.helpers import october_casemix

pytestmark = pytest.mark.django_db
URL = ("casemix", "commissioner", "QAA", "2026-10")


@pytest.fixture
def october(reference_data):
    world = october_casemix()
    run = runs.prepare_run(
        report="casemix", month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=None
    )
    runs.execute_run(run.pk)
    return world


def key_of(october, scopes=("reports:read",), **organisation) -> str:
    client = services.create_client(
        by=None,
        name=f"client-{len(organisation)}-{'-'.join(scopes)}",
        **(organisation or {"commissioner": october["commissioner"]}),
    )
    return services.issue_key(by=None, client=client, scopes=list(scopes))[1]


def test_a_commissioners_key_gets_exactly_the_rows_of_the_commissioners_csv(client, october):
    got = client.get(reverse("api:figures", args=URL), **bearer(key_of(october)))
    assert got.status_code == 200
    body = got.json()
    client.force_login(factories.user(Role.COMMISSIONER, commissioner=october["commissioner"]))
    download = client.get("/reports/casemix/commissioner/QAA/2026-10.csv")
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert body["columns"] == lines[0]
    as_text = [["" if value is None else str(value) for value in row.values()] for row in body["rows"]]
    assert as_text == lines[1:]
    assert body["count"] == len(lines) - 1 and "*" in {cell for line in lines[1:] for cell in line}


def test_an_unchanged_run_answers_304_without_reading_its_rows(client, october):
    text = key_of(october)
    first = client.get(reverse("api:figures", args=URL), **bearer(text))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("api:figures", args=URL), HTTP_IF_NONE_MATCH=first["ETag"], **bearer(text))
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert not [query for query in queries.captured_queries if "reports_reportrow" in query["sql"]]
    assert not [query for query in queries.captured_queries if "INSERT" in query["sql"]]  # nothing audited


def test_a_run_done_again_changes_the_etag(client, october):
    text = key_of(october)
    first = client.get(reverse("api:figures", args=URL), **bearer(text))
    run = runs.prepare_run(
        report="casemix", month=Month.of("2026-10"), scope_kind="commissioner", scope_code="QAA", by=None
    )
    runs.execute_run(run.pk)
    again = client.get(reverse("api:figures", args=URL), HTTP_IF_NONE_MATCH=first["ETag"], **bearer(text))
    assert again.status_code == 200


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("casemix", "commissioner", "QZZ", "2026-10"), 403),  # another ICB
        (("casemix", "commissioner", "QAA", "2026-09"), 404),  # no run
        (("casemix", "commissioner", "QAA", "October"), 400),
        (("nonsense", "commissioner", "QAA", "2026-10"), 403),
    ],
)
def test_other_scopes_months_and_reports_are_refused(client, october, args, status):
    response = client.get(reverse("api:figures", args=args), **bearer(key_of(october)))
    assert response.status_code == status


def test_a_key_without_the_reports_scope_or_of_a_provider_outside_the_icb_report_is_refused(client, october):
    grouping_only = key_of(october, scopes=("grouping",))
    provider_key = key_of(october, provider=Provider.objects.get(code="RAA"))
    assert client.get(reverse("api:figures", args=URL), **bearer(grouping_only)).status_code == 403
    assert client.get(reverse("api:figures", args=URL), **bearer(provider_key)).status_code == 403


def test_a_bad_page_number_answers_400(client, october):
    url = reverse("api:figures", args=URL)
    assert client.get(url + "?page=0", **bearer(key_of(october))).status_code == 400
    assert (
        client.get(url + "?page=2", **bearer(key_of(october, scopes=("reports:read", "grouping")))).json()[
            "rows"
        ]
        == []
    )
