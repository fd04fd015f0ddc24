"""`manage.py load_contract FILE.csv` loads contracts, or nothing with every bad line's reason."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from accounts.audit import Action, AuditEvent
from payments.models import Contract, PriceList
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "contract_ref,commissioner_code,provider_code,financial_year,grouping,planned_months,price,outcome_share,corridor,share"


@pytest.fixture
def organisations(reference_data):
    factories.commissioner(code="QLL")
    factories.provider(code="RLL")


def load(tmp_path, *lines):
    path = tmp_path / "contract.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    call_command("load_contract", str(path))


def test_a_contract_is_loaded_with_its_plan_prices_and_terms(organisations, tmp_path):
    load(
        tmp_path,
        "C1,QLL,RLL,2026/27,GH03,120,1000.00,0.05,0.05,0.5",
        "C1,QLL,RLL,2026/27,GA01,60,250.50,0.05,0.05,0.5",
        "C1,QLL,RLL,2026/27,UNGROUPED,0,10.00,0.05,0.05,0.5",
    )
    contract = Contract.objects.get(reference="C1")
    assert (contract.financial_year, contract.outcome_share, contract.corridor, contract.marginal_rate) == (
        2026,
        D("0.05"),
        D("0.05"),
        D("0.5"),
    )
    assert dict(contract.plan.values_list("grouping", "planned_months")) == {
        "GH03": 120,
        "GA01": 60,
        "UNGROUPED": 0,
    }
    assert contract.price_list.prices() == {
        "GH03": D("1000.00"),
        "GA01": D("250.50"),
        "UNGROUPED": D("10.00"),
    }
    assert AuditEvent.objects.filter(action=Action.LOAD_CONTRACT).count() == 1


def test_ungrouped_is_priced_at_nothing_unless_the_file_says(organisations, tmp_path):
    load(tmp_path, "C2,QLL,RLL,2026/27,GH03,120,1000.00,0,0.05,0.5")
    assert Contract.objects.get(reference="C2").price_list.prices()["UNGROUPED"] == 0


def test_a_file_with_bad_lines_is_not_loaded_and_every_reason_is_listed(organisations, tmp_path):
    with pytest.raises(CommandError) as refused:
        load(
            tmp_path,
            "C3,QLL,RLL,2026/27,GH03,120,1000.00,0.05,0.05,0.5",
            "C3,QXX,RLL,2026-27,GZ99,-1,12.345,0.5,2,x",
            "C3,QLL,RLL,2026/27,GH03,10,1.00,0.05,0.05,0.5",
            "C3,QLL,RLL,2026/27,GA01,10,1.00,0.10,0.05,0.5",
        )
    message = str(refused.value)
    for expected in (
        "line 3: no commissioner has the code 'QXX'",
        "line 3: '2026-27' is not a financial year",
        "line 3: 'GZ99' is not a grouping code",
        "line 3: planned_months cannot be negative",
        "line 3: price must be pounds and pence",
        "line 3: outcome_share must be a fraction from 0 to 0.2",
        "line 3: corridor must be a fraction from 0 to 1",
        "line 3: share must be a number",
        "line 4: C3 has GH03 twice",
        "line 5: its contract terms differ",
    ):
        assert expected in message
    assert not Contract.objects.exists() and not PriceList.objects.exists()


def test_a_header_without_the_columns_is_refused(organisations, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("contract_ref,grouping\nC1,GH03\n")
    with pytest.raises(CommandError, match="line 1: the header lacks commissioner_code"):
        call_command("load_contract", str(path))


def test_a_path_that_is_not_a_regular_file_is_refused(organisations, tmp_path):
    with pytest.raises(CommandError, match="not a regular file"):
        call_command("load_contract", "/dev/zero")
