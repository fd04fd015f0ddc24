"""The contract and statement pages: each side sees its own, in words with formatted figures; both agree,
the commissioner challenges, the provider answers and alone opens the cases behind a line."""

import pytest
from django.urls import reverse

from payments import runs
from payments.models import Statement
from reports.periods import Month
from tests import factories
from tests.payments.helpers import small_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    world = small_contract()
    request = runs.request_statement(
        contract=world["contract"], month=Month.of("2026-06"), by=None, send=False
    )
    world["statement"] = runs.execute_statement(request.pk)
    return world


def test_each_side_lists_only_its_own_contracts(client, world):
    other_icb = factories.user("commissioner", commissioner=factories.commissioner())
    client.force_login(world["commissioner_user"])
    assert "C-QPP-RPP-2026" in client.get(reverse("payments:contracts")).content.decode()
    client.force_login(other_icb)
    assert "C-QPP-RPP-2026" not in client.get(reverse("payments:contracts")).content.decode()
    assert client.get(reverse("payments:statement", args=[world["statement"].pk])).status_code == 404


def test_the_statement_page_reads_in_words_with_money_to_the_penny(client, world):
    client.force_login(world["commissioner_user"])
    page = client.get(reverse("payments:statement", args=[world["statement"].pk])).content.decode()
    for words in (
        "Statement for June 2026",
        "Payable, year to date",
        "£6,176.25",  # payable year to date
        "£1,758.75",  # payment this month
        "£1,376.25",  # the corridor adjustment
        "Agree this statement for the commissioner",
        "Challenge the line",
    ):
        assert words in page
    assert "Cases in GH03" not in page  # the cases behind a line are the provider's


def test_the_statement_names_each_grouping_and_ends_its_lines_with_the_total(client, world):
    from payments import statement_files

    statement = world["statement"]
    client.force_login(world["commissioner_user"])
    page = client.get(reverse("payments:statement", args=[statement.pk])).content.decode()
    lines = page[
        page.index('data-testid="statement-lines"') : page.index("</table>", page.index("statement-lines"))
    ]
    assert "<td>GH03 Getting Help: Depression</td>" in lines and "<td>Not grouped</td>" in lines
    total = lines[lines.index('data-testid="statement-total"') :]
    csv_total = next(row for row in statement_files.rows(statement) if row[2] == "TOTAL")
    assert "Total, year to date" in total
    assert f"£{csv_total[7]:,.2f}" in total and f"£{csv_total[6]:,.2f}" in total  # activity and plan value
    assert f">{csv_total[4]:,}<" in total  # months of care, as the CSV's TOTAL line


def test_both_sides_agree_on_the_page_and_then_it_is_final(client, world):
    url = reverse("payments:agree", args=[world["statement"].pk])
    client.force_login(world["commissioner_user"])
    client.post(url)
    client.force_login(world["service_manager"])
    client.post(url)
    assert Statement.objects.get(pk=world["statement"].pk).agreed
    page = client.get(reverse("payments:statement", args=[world["statement"].pk])).content.decode()
    assert "this statement is final" in page and "Agree this statement" not in page


def test_the_commissioner_challenges_a_line_and_the_provider_answers_on_the_page(client, world):
    statement = world["statement"]
    client.force_login(world["commissioner_user"])
    client.post(reverse("payments:challenge", args=[statement.pk]), {"grouping": "GH04", "reason": "Only 1?"})
    challenge = statement.challenges.get()
    client.force_login(world["service_manager"])
    client.post(reverse("payments:answer", args=[challenge.pk]), {"answer": "One closed in May."})
    page = client.get(reverse("payments:statement", args=[statement.pk])).content.decode()
    assert "Only 1?" in page and "One closed in May." in page


def test_only_the_provider_opens_the_cases_behind_a_line(client, world):
    url = reverse("payments:line_cases", args=[world["statement"].pk, "GH03"])
    client.force_login(world["commissioner_user"])
    assert client.get(url).status_code == 403
    client.force_login(world["service_manager"])
    page = client.get(url).content.decode()
    assert world["cases"]["c1"].reference in page  # 3 months of care in GH03
    assert world["cases"]["c5"].reference not in page  # another ICB's case


def test_the_statement_downloads_as_the_commands_csv(client, world):
    client.force_login(world["service_manager"])
    response = client.get(reverse("payments:download", args=[world["statement"].pk, "csv"]))
    lines = response.content.decode().splitlines()
    assert lines[-1] == "C-QPP-RPP-2026,2026-06,PAYMENT_THIS_MONTH,,,,,1758.75,"


def test_a_month_is_computed_from_the_contract_page(client, world):
    client.force_login(world["service_manager"])
    response = client.post(reverse("payments:contract", args=[world["contract"].pk]), {"period": "2026-05"})
    statement = Statement.objects.get(contract=world["contract"], period="2026-05-01")
    assert response.url == reverse("payments:statement", args=[statement.pk])


def test_a_restatement_shows_each_lines_change_since_the_agreed_version(client, world):
    import datetime as dt

    from payments import services
    from tests.reports.helpers import allocate

    may = runs.execute_statement(
        runs.request_statement(contract=world["contract"], month=Month.of("2026-05"), by=None, send=False).pk
    )
    services.agree_statement(statement=may, by=world["commissioner_user"])
    services.agree_statement(statement=may, by=world["service_manager"])
    late = factories.case(
        world["team"],
        commissioner=world["commissioner"],
        referral_date=dt.date(2026, 4, 1),
        accepted_date=dt.date(2026, 4, 2),
    )
    allocate(late, "GH03", dt.date(2026, 4, 2), None, world["clinician"])
    restated = runs.execute_statement(
        runs.request_statement(contract=world["contract"], month=Month.of("2026-05"), by=None, send=False).pk
    )
    client.force_login(world["commissioner_user"])
    page = client.get(reverse("payments:statement", args=[restated.pk])).content.decode()
    assert "restatement 2" in page and "Change in months since agreed" in page
    assert "£2,000.00" in page  # GH03: 2 more months of care at £1,000
