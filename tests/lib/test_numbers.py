from decimal import Decimal

import pytest
from django.template import Context, Template

from camhs_pbr.lib import numbers
from camhs_pbr.lib.numbers import Kind


@pytest.mark.parametrize(
    ("value", "written"),
    [(20581.0, "£20,581"), (-256.0, "-£256"), (12345.5, "£12,346"), (0.4, "£0"), (-0.4, "£0"), (None, "–")],
)
def test_money_reads_as_whole_pounds_with_separators(value, written):
    assert numbers.money(value) == written


def test_money_with_pence_keeps_two_places_and_rounds_half_up():
    assert numbers.money(Decimal("1234.565"), pence=True) == "£1,234.57"
    assert numbers.money(-0.5, pence=True) == "-£0.50"


def test_counts_have_thousands_separators_and_no_float_artefact():
    assert numbers.count(1234567) == "1,234,567"
    assert numbers.count(20581.0) == "20,581"


def test_means_have_one_decimal_place():
    assert numbers.mean(5.333333333333333) == "5.3"
    assert numbers.mean(2.25) == "2.3"  # half up, as by hand (round() gives 2.2)
    assert numbers.mean(1500) == "1,500.0"


def test_shares_read_as_rounded_percentages():
    assert numbers.share(0.309) == "31%"
    assert numbers.share(1) == "100%"
    assert numbers.percent(30.9) == "31%"
    assert numbers.percent(40.0) == "40%"


def test_ratios_have_two_decimal_places():
    assert numbers.ratio(0.123456) == "0.12"
    assert numbers.ratio(1.005) == "1.01"


@pytest.mark.parametrize("writer", [numbers.count, numbers.money, numbers.mean, numbers.share, numbers.ratio])
def test_a_suppressed_cell_and_words_pass_through_and_empty_reads_as_a_dash(writer):
    assert writer("*") == "*"
    assert writer(None) == "–"
    assert writer(float("nan")) == "–"


def test_a_number_given_as_text_is_written_as_a_number():
    assert numbers.count("12345") == "12,345"


def test_figure_writes_each_kind_and_every_number_kind_has_a_spreadsheet_format():
    assert numbers.figure(1234.5, Kind.MONEY) == "£1,235"
    assert numbers.figure(1234.5, "money_pence") == "£1,234.50"
    assert numbers.figure("Getting Help", Kind.TEXT) == "Getting Help"
    assert set(numbers.XLSX_FORMATS) == set(Kind) - {Kind.TEXT}


def test_templates_use_the_same_filters_without_loading_them():
    page = Template(
        "{{ a|money }} {{ b|count }} {{ c|mean }} {{ d|share }} {{ e|ratio }} {{ f|money_pence }}"
    )
    written = page.render(Context({"a": 20581.0, "b": 4096, "c": 5.3333, "d": 0.5, "e": 0.4567, "f": 3}))
    assert written == "£20,581 4,096 5.3 50% 0.46 £3.00"


@pytest.mark.parametrize(
    ("seconds", "written"),
    [
        (0.02, "under a second"),
        (0.5, "1 second"),
        (4.2, "4 seconds"),
        (59.4, "59 seconds"),
        (59.5, "1 min 0 s"),
        (125.3, "2 min 5 s"),
        (3780, "1 h 3 min"),
        (None, "–"),
    ],
)
def test_a_duration_reads_as_people_say_it(seconds, written):
    assert numbers.duration(seconds) == written


def test_a_run_done_in_a_moment_says_so_rather_than_zero_seconds():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    run = SimpleNamespace(status="done", seconds=0.01, refused_at=None, stalled=False, finished_at=None)
    badge = render_to_string("runs/_status.html", {"run": run})
    assert "Done in under a second" in badge and "0.0" not in badge
    run.seconds = 612.4
    assert "Done in 10 min 12 s" in render_to_string("runs/_status.html", {"run": run})
