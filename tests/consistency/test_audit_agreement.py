"""The agreement page's figures: per team and overall with n, nobody's own figures under 10 pairs, the items
of lowest agreement in words, and the rules against each rater."""

import pytest

from assessments.current_view_items import ALL_ITEMS
from consistency.audit_agreement import RatedPair, as_json, audit_agreement, from_json

ZEROS = tuple(0 for _ in ALL_ITEMS)


def pair(first="GH03", second="GH03", team="North", a="Ann", b="Bo", p09=(2, 2), rules=("GH03", "GH03")):
    n = ALL_ITEMS.index("p09")
    items_a = ZEROS[:n] + (p09[0],) + ZEROS[n + 1 :]
    items_b = ZEROS[:n] + (p09[1],) + ZEROS[n + 1 :]
    return RatedPair(team, a, b, first, second, rules[0], rules[1], items_a, items_b)


def test_figures_per_team_and_overall_with_their_pairs():
    pairs = [pair(), pair(second="GA01"), pair(team="South"), pair(team="South")]
    result = audit_agreement(pairs, seed=1, resamples=200)
    assert (result.overall.n, result.overall.percent) == (4, 75.0)
    assert dict((team, (f.n, f.percent)) for team, f in result.by_team) == {
        "North": (2, 50.0),
        "South": (2, 100.0),
    }


def test_a_clinician_with_fewer_than_ten_pairs_is_not_shown():
    pairs = [pair(a="Ann", b="Bo")] * 10 + [pair(a="Cy", b="Bo")] * 3
    result = audit_agreement(pairs, seed=1, resamples=50)
    shown = {(role, name): f.n for role, name, f in result.by_clinician}
    assert shown == {("First rater", "Ann"): 10, ("Second rater", "Bo"): 13}
    assert result.clinicians_not_shown == 1


def test_the_lowest_items_are_named_in_words_and_not_known_drops_the_pair():
    pairs = [pair(p09=(3, 0)), pair(p09=(0, 3)), pair(p09=(2, -1)), pair(p09=(1, 1))]
    result = audit_agreement(pairs, seed=1, resamples=50)
    p09 = next(item for item in result.items if item.item == "p09")
    assert p09.n == 3 and result.lowest[0].words == "Depression/low mood"
    assert p09.kappa is not None and p09.kappa < 0


def test_the_rules_against_each_rater_and_the_confusion_table():
    pairs = [pair(rules=("GH03", "GA01")), pair(second="GA01", rules=(None, "GA01"))]
    result = audit_agreement(pairs, seed=1, resamples=50)
    assert result.rules_and_first.percent == pytest.approx(50.0)  # "No suggestion" against GH03
    assert result.rules_and_second.percent == pytest.approx(50.0)
    assert result.confusion.categories == ("GA01", "GH03")
    assert result.confusion.rows[1] == ("GH03", [1, 1], 2)


def test_the_stored_figures_read_back_as_computed():
    figures = audit_agreement(
        [pair("GH03", "GH03"), pair("GA01", "GH03", team="B"), pair("GH03 + GA02", "GH03")], seed=4
    )
    assert from_json(as_json(figures)) == figures
