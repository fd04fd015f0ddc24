"""Prices proposed from evidence: per grouping, the mean cost per month of care with its trimmed mean,
median, n and warnings; a manager uses, edits or rejects each line and gets a new price list version."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import PriceList
from payments.proposals import Episode, months_between, propose
from tests import factories
from tests.payments.helpers import small_contract


def test_months_of_care_run_from_the_month_accepted_to_the_month_closed():
    assert months_between((2026, 4), (2026, 4)) == 1
    assert months_between((2025, 11), (2026, 2)) == 4


def test_a_grouping_is_proposed_its_mean_cost_per_month_with_trimmed_mean_and_median_beside_it():
    # Per month of care: 100/1 = 100, 300/2 = 150, 600/3 = 200, 5000/2 = 2500.
    # Mean (100 + 150 + 200 + 2500) / 4 = 737.50; median (150 + 200) / 2 = 175; trimming 10% of 4 cuts
    # floor(0.4) = 0 episodes, so the trimmed mean is the mean. n = 4 < 30: a warning; CV = sd / mean:
    # sd = 1,175.71 (sample), CV 1.594 > 1: a second warning.
    costs = [(D(100), 1), (D(300), 2), (D(600), 3), (D(5000), 2)]
    [proposal] = propose(Episode("GH03", cost, months) for cost, months in costs)
    assert (proposal.n, proposal.mean, proposal.median, proposal.trimmed_mean) == (
        4,
        D("737.50"),
        D("175.00"),
        D("737.50"),
    )
    assert proposal.cv == pytest.approx(1.595, abs=0.001)
    assert len(proposal.warnings) == 2


def test_the_trimmed_mean_cuts_a_tenth_from_each_end():
    # Ten episodes of 1 month: costs 10, 20, ..., 90 and 1,000. Trimmed: 20..90, mean 55.
    [proposal] = propose(Episode("GA01", D(c), 1) for c in [*range(10, 100, 10), 1000])
    assert proposal.trimmed_mean == D("55.00")


@pytest.mark.django_db
def test_a_service_manager_uses_edits_and_rejects_lines_into_a_new_price_list_version(client, reference_data):
    world = small_contract()
    clinician = world["clinician"]
    # c2 closed 15/05/2026, accepted 01/04/2026: 2 months of care, GH04 at closure; one 60-minute contact.
    factories.contact(
        world["cases"]["c2"], clinician, starts_at=timezone.make_aware(dt.datetime(2026, 4, 3, 10))
    )
    before = world["contract"].price_list
    client.force_login(world["service_manager"])
    url = reverse("payments:propose_prices", args=[world["contract"].pk])
    page = client.get(url, {"period": "2026-06"}).content.decode()
    assert "GH04" in page and "only 1 episode" in page
    client.post(url, {"period": "2026-06", "use-GH04": "1", "price-GH04": "1234.56"})
    world["contract"].refresh_from_db()
    after = world["contract"].price_list
    assert after.version == before.version + 1
    assert after.prices() == {**before.prices(), "GH04": D("1234.56")}
    assert PriceList.objects.get(pk=before.pk).prices()["GH04"] == D("1500.00")  # nothing changed in place
