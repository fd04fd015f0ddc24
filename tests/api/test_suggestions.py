"""Grouping as a service: the API suggests what the page shows, for one view or 1,000, and refuses bad bodies."""

import json

import numpy as np
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.suggestions import MAX_VIEWS, read_views, suggestions
from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID, RESPONSES
from groupings import rules
from groupings.models import RulesVersion
from groupings.reference import DEMO_V2_LABEL
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

WORDS = {scale: list(answers) for scale, answers in RESPONSES.items()}


def post(client, body, text, query=""):
    data = body if isinstance(body, str) else json.dumps(body)
    url = reverse("api:suggestions") + query
    return client.post(url, data, content_type="application/json", **bearer(text))


@pytest.fixture
def text(key_for):
    return key_for("provider", ["grouping"])


def test_one_view_answers_the_suggestion_in_the_pages_words(client, text):
    response = post(client, {"items": {"p09": "Moderate"}, "age": 12}, text)
    assert response.status_code == 200
    ruleset = RulesVersion.objects.get(is_current=True).ruleset()
    outcome = rules.suggest({"p09": 2}, ruleset, 12)
    assert response.json() == {
        "suggestion": {
            "grouping": outcome.grouping,
            "add_on_grouping": outcome.add_on_grouping,
            "rule": outcome.rule,
            "rule_text": rules.explain(outcome, ruleset),
            "rules_version": ruleset.version,
            "complexity_count": outcome.complexity_count,
            "attendance_flag": outcome.attendance_flag,
            "risk_flag": outcome.risk_flag,
        }
    }


def test_too_many_not_known_answers_no_grouping(client, text):
    body = {"items": dict.fromkeys([item for item in ALL_ITEMS if item.startswith("p")], "Not known")}
    suggestion = post(client, body, text).json()["suggestion"]
    assert suggestion["grouping"] is None and suggestion["rule"] == rules.INSUFFICIENT


def test_another_rules_version_is_chosen_by_its_label(client, text):
    suggestion = post(client, {"items": {"p09": 2}}, text, f"?rules_version={DEMO_V2_LABEL}").json()
    assert suggestion["suggestion"]["rules_version"] == DEMO_V2_LABEL
    refused = post(client, {"items": {}}, text, "?rules_version=no-such-version")
    assert refused.status_code == 400 and "rules_version" in refused.json()


def test_a_batch_answers_in_order(client, text):
    views = [{"items": {"p09": "Moderate"}}, {"items": {"p15": "Severe"}, "age": 9}, {"items": {}}]
    got = post(client, {"views": views}, text).json()["suggestions"]
    one_by_one = [post(client, view, text).json()["suggestion"] for view in views]
    assert got == one_by_one


def test_nothing_is_stored(client, text, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the key, the rules version, nothing written
        assert post(client, {"views": [{"items": {"p01": "Mild"}}] * 10}, text).status_code == 200


HOSTILE = {
    "a list": ([1, 2], "body"),
    "items not an object": ({"items": ["p01"]}, "items"),
    "an unknown item": ({"items": {"p99": "Mild"}}, "items.p99"),
    "a word of no scale": ({"items": {"p01": "Very"}}, "items.p01"),
    "a presence word on a severity item": ({"items": {"p01": "Yes"}}, "items.p01"),
    "a rating out of range": ({"items": {"c31": 2}}, "items.c31"),
    "a boolean": ({"items": {"c31": True}}, "items.c31"),
    "a float": ({"items": {"p01": 1.0}}, "items.p01"),
    "a nested object": ({"items": {"p01": {"a": 1}}}, "items.p01"),
    "an age of text": ({"items": {}, "age": "12"}, "age"),
    "an age out of range": ({"items": {}, "age": 300}, "age"),
    "an unknown field": ({"items": {}, "colour": 1}, "colour"),
    "views not a list": ({"views": {"items": {}}}, "views"),
    "no views": ({"views": []}, "views"),
    "too many views": ({"views": [{"items": {}}] * (MAX_VIEWS + 1)}, "views"),
    "a bad view among good": ({"views": [{"items": {}}, {"items": {"p01": "x"}}]}, "views[1].items.p01"),
    "a boolean in a batch": (
        {"views": [{"items": {"p01": "Mild"}}, {"items": {"c31": True}}]},
        "views[1].items.c31",
    ),
    "a float in a batch": ({"views": [{"items": {"p01": 1.0}}]}, "views[0].items.p01"),
    "an age too old in a batch": ({"views": [{"items": {}, "age": 121}]}, "views[0].age"),
    "a view of a list in a batch": ({"views": [{"items": {}}, [1]]}, "views[1]"),
    "views and items": ({"views": [{"items": {}}], "items": {}}, "body"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_bodies_answer_400_naming_the_field(client, text, case):
    body, field = HOSTILE[case]
    response = post(client, body, text)
    assert response.status_code == 400
    assert field in response.json(), response.json()


@pytest.mark.parametrize(
    "body", ["[" * 100_000 + "]" * 100_000, "{", "NaN", '{"items": {"p01": NaN}}', "\xff", ""]
)
def test_malformed_or_deeply_nested_json_answers_400(client, text, body):
    assert post(client, body, text).status_code == 400


def test_a_body_of_many_faults_names_at_most_a_hundred(client, text):
    body = {"items": {f"x{n}": "Mild" for n in range(50_000)}}
    response = post(client, body, text)
    assert response.status_code == 400 and len(response.json()) == 100


def test_a_body_too_large_answers_413(client, text):
    body = json.dumps({"views": [{"items": {"p01": "x" * 1000}}] * 5000})
    assert post(client, body, text).status_code == 413


def test_words_are_read_in_any_case_and_spacing(client, text):
    got = post(client, {"views": [{"items": {"p09": " moderate "}}, {"items": {"p09": "2"}}]}, text).json()
    assert got["suggestions"][0] == got["suggestions"][1]


answers = st.fixed_dictionaries(
    {},
    optional={
        item: st.one_of(
            st.sampled_from(WORDS[ITEMS_BY_ID[item].response_scale]),
            st.integers(0, 3 if ITEMS_BY_ID[item].response_scale == "severity" else 1),
            st.none(),
        )
        for item in ALL_ITEMS
    },
)


@hypothesis_settings(max_examples=25)
@given(
    views=st.lists(
        st.fixed_dictionaries({"items": answers}, optional={"age": st.integers(0, 25)}),
        min_size=1,
        max_size=20,
    )
)
def test_the_batch_suggests_what_the_engine_suggests_view_by_view(views):
    for label in (rules.V1_DEFINITION, rules.DEMO_V2_DEFINITION):
        ruleset = rules.ruleset_from_definition("v", label)
        codes, ages = read_views(views)
        got = suggestions(codes, ages, ruleset)
        for view, answer in zip(views, got, strict=True):
            ratings = {item: _stored(item, value) for item, value in view["items"].items()}
            outcome = rules.suggest(ratings, ruleset, view.get("age"))
            assert answer["grouping"] == outcome.grouping
            assert answer["add_on_grouping"] == outcome.add_on_grouping
            assert answer["rule"] == outcome.rule
            assert answer["rule_text"] == rules.explain(outcome, ruleset)
            assert answer["complexity_count"] == outcome.complexity_count
            assert (answer["attendance_flag"], answer["risk_flag"]) == (
                outcome.attendance_flag,
                outcome.risk_flag,
            )


def _stored(item: str, value) -> int | None:
    return RESPONSES[ITEMS_BY_ID[item].response_scale][value] if isinstance(value, str) else value


def test_ten_thousand_generated_views_in_batches_match_the_engine_view_by_view():
    generator = np.random.default_rng(33)
    ruleset = rules.ruleset_from_definition("demo", rules.DEMO_V2_DEFINITION)
    tops = np.array([3 if ITEMS_BY_ID[item].response_scale == "severity" else 1 for item in ALL_ITEMS])
    codes = generator.integers(-1, tops + 1, size=(10_000, len(ALL_ITEMS))).astype(np.int8)
    codes = np.where(generator.random(codes.shape) < 0.7, np.minimum(codes, 0), codes)  # mostly None
    ages = generator.integers(-1, 19, size=10_000).astype(np.int16)
    got = []
    for start in range(0, 10_000, MAX_VIEWS):
        batch = np.ascontiguousarray(codes[start : start + MAX_VIEWS].T)
        got += suggestions(batch, ages[start : start + MAX_VIEWS], ruleset)
    for n, answer in enumerate(got):
        ratings = {
            item: None if code == -1 else code
            for item, code in zip(ALL_ITEMS, codes[n].tolist(), strict=True)
        }
        outcome = rules.suggest(ratings, ruleset, None if ages[n] == -1 else int(ages[n]))
        assert (answer["grouping"], answer["add_on_grouping"], answer["rule"], answer["rule_text"]) == (
            outcome.grouping,
            outcome.add_on_grouping,
            outcome.rule,
            rules.explain(outcome, ruleset),
        )


def test_the_api_suggests_what_the_current_view_page_shows(client, world, key_for):
    from groupings import selectors

    current_view = world["case"].current_views.get()
    page = selectors.suggestion_for(current_view, selectors.current_rules_version())
    age = selectors.age_at(current_view)
    body = {"items": current_view.ratings(), "age": age}
    got = post(client, body, key_for("provider", ["grouping"])).json()["suggestion"]
    assert page.grouping is not None and got["grouping"] == page.grouping.code
    assert got["rule"] == page.rule
    assert got["rule_text"] == selectors.explanation(page)
    assert got["complexity_count"] == page.complexity_count
