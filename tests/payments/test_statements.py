"""Monthly statements (issue 32): months of care, the money, agreement, restatements and challenges."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, InternalError, transaction

from accounts.audit import Action, AuditEvent
from payments import runs, services
from payments.models import Immutable, PriceListLine, Statement, StatementLine
from payments.months_of_care import contract_cases, months_of_care
from reports.periods import Month
from tests import factories
from tests.payments.helpers import small_contract
from tests.reports.helpers import allocate

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = Month.of("2026-04"), Month.of("2026-05"), Month.of("2026-06")


@pytest.fixture
def world(reference_data):
    return small_contract()


def compute(contract, month, by=None):
    return runs.execute_statement(
        runs.request_statement(contract=contract, month=month, by=by, send=False).pk
    )


def agree(statement, world):
    services.agree_statement(statement=statement, by=world["commissioner_user"])
    return services.agree_statement(statement=statement, by=world["service_manager"])


def test_months_of_care_count_open_and_closed_episodes_in_their_grouping_for_the_month(world):
    cases = contract_cases(world["commissioner"].pk, world["provider"].pk)
    assert months_of_care(cases, APRIL) == {"GH03": 1, "GA01": 1}
    # c2 closed on 15/05: the grouping in force the day before (GH04); c3 accepted 20/05, ungrouped.
    assert months_of_care(cases, MAY) == {"GH03": 1, "GH04": 1, "UNGROUPED": 1}
    assert months_of_care(cases, JUNE) == {"GH03": 1, "UNGROUPED": 1}


def test_june_statement_is_worked_year_to_date_with_the_corridor_below_plan(world):
    # Plan to June (3/12): GH03 3 x 1,000 + GA01 1.5 x 300 + GH04 3 x 1,500 = 7,950.
    # Activity: GH03 3 x 1,000 + GA01 1 x 300 + GH04 1 x 1,500 + UNGROUPED 2 x 0 = 4,800.
    # Below the band's 7,552.50: payable 7,552.50 - 0.5 x (7,552.50 - 4,800) = 6,176.25.
    # May (not stated) would be: plan 5,300, activity 3,800, payable 5,035 - 0.5 x 1,235 = 4,417.50.
    # June's payment: 6,176.25 - 4,417.50 = 1,758.75.
    statement = compute(world["contract"], JUNE)
    assert statement.status == "done", statement.error
    lines = {line.grouping: line for line in statement.lines.all()}
    assert list(lines) == ["GA01", "GH03", "GH04", "UNGROUPED"]
    assert (lines["GA01"].planned_months, lines["GA01"].actual_months, lines["GA01"].variance) == (
        D("1.5"),
        1,
        D("-150.00"),
    )
    assert lines["UNGROUPED"].actual_months == 2 and lines["UNGROUPED"].activity_value == 0
    assert (statement.plan_value, statement.activity_value) == (D("7950.00"), D("4800.00"))
    assert statement.corridor_adjustment == D("1376.25")
    assert statement.payable_ytd == D("6176.25")
    assert statement.payment_this_month == D("1758.75")


def test_april_is_paid_its_payable(world):
    # Plan 1,000 + 150 + 1,500 = 2,650; activity GH03 1,000 + GA01 300 = 1,300;
    # payable 2,517.50 - 0.5 x 1,217.50 = 1,908.75, all of it paid in April.
    statement = compute(world["contract"], APRIL)
    assert statement.payable_ytd == statement.payment_this_month == D("1908.75")


def test_a_month_is_agreed_by_both_sides_with_time_and_audit(world):
    statement = compute(world["contract"], MAY)
    statement = services.agree_statement(statement=statement, by=world["commissioner_user"])
    assert not statement.agreed and statement.commissioner_agreed_at is not None
    with pytest.raises(services.StatementRefused):
        services.agree_statement(statement=statement, by=world["commissioner_user"])
    statement = services.agree_statement(statement=statement, by=world["service_manager"])
    assert statement.agreed and statement.provider_agreed_by == world["service_manager"]
    assert AuditEvent.objects.filter(action=Action.AGREE_STATEMENT, object_id=str(statement.pk)).count() == 2


def test_only_the_parties_agree(world):
    statement = compute(world["contract"], MAY)
    stranger = factories.user("commissioner", commissioner=factories.commissioner())
    other_manager = factories.user("service_manager", provider=factories.provider())
    for user in (stranger, other_manager, world["clinician"]):
        with pytest.raises(services.StatementRefused):
            services.agree_statement(statement=statement, by=user)


def test_an_agreed_statement_cannot_change_even_in_the_database(world):
    statement = agree(compute(world["contract"], MAY), world)
    with pytest.raises(Immutable):
        statement.save()
    for change in (
        lambda: Statement.objects.filter(pk=statement.pk).update(payable_ytd=0),
        lambda: Statement.objects.filter(pk=statement.pk).delete(),
        lambda: StatementLine.objects.filter(statement=statement).update(actual_months=99),
        lambda: StatementLine.objects.filter(statement=statement).delete(),
    ):
        with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
            change()
    assert Statement.objects.get(pk=statement.pk).payable_ytd == statement.payable_ytd


def test_a_price_list_used_by_an_agreed_statement_is_read_only(world):
    agree(compute(world["contract"], MAY), world)
    prices = world["contract"].price_list
    with pytest.raises(Immutable):
        prices.save()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        PriceListLine.objects.filter(price_list=prices).update(price=1)
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        PriceListLine.objects.bulk_create([PriceListLine(price_list=prices, grouping="GH05", price=1)])


def test_a_draft_is_computed_again_in_place_and_loses_its_agreement(world):
    first = compute(world["contract"], MAY)
    services.agree_statement(statement=first, by=world["commissioner_user"])
    again = compute(world["contract"], MAY)
    assert again.pk == first.pk and again.version == 1
    assert again.commissioner_agreed_at is None


def test_recomputing_an_agreed_month_makes_a_restatement_carried_into_the_next_payment(world):
    may = agree(compute(world["contract"], MAY), world)
    # Late data: a GH03 case accepted on 02/04/2026 is entered after May was agreed: +1 month of care in
    # April and May each. May's activity 3,800 + 2,000 = 5,800, inside [5,035, 5,565]? No: above 5,565:
    # payable 5,565 + 0.5 x 235 = 5,682.50 (was 4,417.50): a difference of 1,265.00.
    late = factories.case(
        world["team"],
        commissioner=world["commissioner"],
        referral_date=dt.date(2026, 4, 1),
        accepted_date=dt.date(2026, 4, 2),
    )
    allocate(late, "GH03", dt.date(2026, 4, 2), None, world["clinician"])
    restated = compute(world["contract"], MAY)
    assert (restated.version, restated.restates_id) == (2, may.pk)
    assert restated.payable_ytd == D("5682.50")
    assert Statement.objects.get(pk=may.pk).payable_ytd == D("4417.50")  # the agreed one stands beside it
    # June: activity 4,800 + 3,000 = 7,800, inside the band [7,552.50, 8,347.50]: payable 7,800.
    # Payment = 7,800 - 4,417.50 (what May stood at) = 3,382.50, of which 1,265.00 carried from May's restatement.
    june = compute(world["contract"], JUNE)
    assert june.payable_ytd == D("7800.00")
    assert june.carried_over == D("1265.00")
    assert june.payment_this_month == D("3382.50")


def test_the_commissioner_challenges_a_line_and_the_provider_answers(world):
    statement = compute(world["contract"], MAY)
    challenge = services.challenge_line(
        statement=statement,
        grouping="GH04",
        reason="Closed on 15 May: one month?",
        by=world["commissioner_user"],
    )
    with pytest.raises(services.StatementRefused):
        services.challenge_line(statement=statement, grouping="GH04", reason="x", by=world["service_manager"])
    with pytest.raises(services.StatementRefused):
        services.answer_challenge(challenge=challenge, answer="No", by=world["commissioner_user"])
    answered = services.answer_challenge(
        challenge=challenge, answer="Closed in May counts one month.", by=world["service_manager"]
    )
    assert answered.answered_by == world["service_manager"] and answered.answered_at is not None


def test_a_month_outside_the_contract_year_is_refused(world):
    with pytest.raises(runs.StatementRequestError, match="2026/27"):
        runs.request_statement(contract=world["contract"], month=Month.of("2027-04"), by=None, send=False)


def test_the_outcome_component_withholds_and_pays_back_by_the_indicators(reference_data):
    # w = 10%; 2 episodes closed in the 12 months to June (c2, c6), none with a paired measure: both
    # indicators achieve 0, so the whole 10% of 6,176.25 = 617.63 (617.625) is withheld and none earned.
    world = small_contract(outcome_share=D("0.10"))
    june = compute(world["contract"], JUNE)
    assert (june.closed_episodes, june.paired_episodes) == (2, 0)
    assert june.outcome_withheld == D("617.63") and june.outcome_earned == D("0.00")
    assert june.payable_ytd == D("5558.63")  # 6,176.25 - 617.625 = 5,558.625
