"""Publishing a fitted tree as a rules version (lab/publish.py): one grouping per leaf, never current until
an administrator makes it so in the admin, read by every place that reads a rules version's rules."""

import datetime as dt
import functools
import json

import pytest

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from groupings import services
from groupings.models import Allocation, Grouping, RulesVersion, Suggestion
from groupings.path_rules import PathRuleSet, path_words
from lab.methods import FitResult, fit
from lab.publish import PublishRefused, publish_tree
from lab.synthetic import planted_episodes
from tests import factories
from tests.groupings.helpers import ratings
from tests.lab.helpers import v1_rules
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db


@functools.cache
def planted_tree() -> FitResult:
    return fit("tree", planted_episodes(3000, v1_rules(), seed=4), seed=1)


@pytest.fixture
def service_manager(service):
    return factories.user(Role.SERVICE_MANAGER, provider=service["provider"])


def test_a_tree_becomes_a_rules_version_that_is_not_current_with_one_grouping_per_leaf(service_manager):
    tree = planted_tree()
    current = RulesVersion.objects.get(is_current=True)
    published = publish_tree(service_manager, tree, "Tree 2026-12", "Leaves of the planted demo.")

    published.refresh_from_db()
    assert not published.is_current
    assert RulesVersion.objects.get(is_current=True) == current
    assert published.description.startswith("Leaves of the planted demo.\n\nPublished from the algorithm lab")
    groupings = list(published.groupings.order_by("code"))
    assert [g.code for g in groupings] == [f"L{n:02d}" for n in range(1, len(tree.groups) + 1)]
    for grouping, leaf in zip(groupings, tree.groups, strict=True):
        assert grouping.name.startswith(f"Leaf {leaf.label}: ")
        assert leaf.description.startswith(grouping.name.removeprefix(f"Leaf {leaf.label}: ").rstrip("…"))
        assert grouping.expected_appointments == round(leaf.mean_appointments)
        assert grouping.suggestible
    # super-group and review interval of the current catalogue's grouping nearest in expected appointments
    # (v1: Getting Advice 2 and 5 appointments, reviewed at 3 months; Getting Help 6 to 12, at 6 months)
    lightest = min(groupings, key=lambda g: g.expected_appointments)
    heaviest = max(groupings, key=lambda g: g.expected_appointments)
    assert lightest.expected_appointments <= 3 and 7 <= heaviest.expected_appointments <= 15
    assert (lightest.super_group, lightest.review_months) == ("Getting Advice", 3)
    assert (heaviest.super_group, heaviest.review_months) == ("Getting Help", 6)
    assert published.catalogue_faults() == []
    rules = path_rules(published)
    assert [path.id for path in rules.paths] == [f"P{n:02d}" for n in range(1, len(tree.groups) + 1)]
    assert rules.insufficient_not_known_at_least == current.ruleset().insufficient_not_known_at_least
    assert rules.flags == current.ruleset().flags
    event = AuditEvent.objects.get(action=Action.PUBLISH_RULES_VERSION)
    assert (event.user, event.object_type, event.object_id) == (
        service_manager,
        "groupings.rulesversion",
        str(published.pk),
    )


def test_the_stored_json_of_a_run_publishes_as_the_fit_does(service_manager):
    published = publish_tree(service_manager, planted_tree().to_json(), "From JSON")
    from_fit = publish_tree(service_manager, planted_tree(), "From fit")
    assert path_rules(published).paths == path_rules(from_fit).paths


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("CAMHS-NBG v1", "A rules version labelled 'CAMHS-NBG v1' exists already: choose another label."),
        ("   ", "Give the rules version a label."),
        ("x" * 51, "A label has at most 50 characters; this one has 51."),
        ("Tree\u200b", "Label: Remove an invisible or control character"),
    ],
)
def test_a_label_that_cannot_be_used_is_refused_and_nothing_is_written(service_manager, label, message):
    versions, groupings = RulesVersion.objects.count(), Grouping.objects.count()
    with pytest.raises(PublishRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        publish_tree(service_manager, planted_tree(), label)
    assert (RulesVersion.objects.count(), Grouping.objects.count()) == (versions, groupings)
    assert not AuditEvent.objects.filter(action=Action.PUBLISH_RULES_VERSION).exists()


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.TEAM_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_only_a_service_manager_publishes(service, role):
    extra = {"commissioner": service["commissioner"]} if role == Role.COMMISSIONER else {}
    with pytest.raises(PublishRefused, match="Only a service manager"):
        publish_tree(factories.user(role, **extra), planted_tree(), "Tree by someone else")
    assert not RulesVersion.objects.filter(label="Tree by someone else").exists()


def test_clusters_are_not_published(service_manager):
    clusters = fit("clusters", planted_episodes(600, v1_rules(), seed=4), seed=1)
    with pytest.raises(PublishRefused, match="Only a regression tree can be published, not clusters"):
        publish_tree(service_manager, clusters, "Clusters")


def path_rules(rules_version: RulesVersion) -> PathRuleSet:
    rules = rules_version.ruleset()
    assert isinstance(rules, PathRuleSet)
    return rules


def _change_form(rules_version: RulesVersion, **changes) -> dict:
    """The admin change form of a rules version as posted unchanged, its groupings inline, with changes."""
    data: dict[str, object] = {
        "label": rules_version.label,
        "description": rules_version.description,
        "rules_definition": json.dumps(rules_version.rules_definition),
        "groupings-TOTAL_FORMS": str(rules_version.groupings.count()),
        "groupings-INITIAL_FORMS": str(rules_version.groupings.count()),
    }
    for n, grouping in enumerate(rules_version.groupings.order_by("code")):
        data |= {
            f"groupings-{n}-id": grouping.pk,
            f"groupings-{n}-rules_version": rules_version.pk,
            f"groupings-{n}-code": grouping.code,
            f"groupings-{n}-super_group": grouping.super_group,
            f"groupings-{n}-name": grouping.name,
            f"groupings-{n}-review_months": grouping.review_months,
            f"groupings-{n}-expected_appointments": grouping.expected_appointments,
            f"groupings-{n}-suggestible": "on",
        }
    return data | changes


def test_an_administrator_makes_it_current_in_the_admin_and_the_current_view_page_suggests_from_it(
    client, service, service_manager
):
    published = publish_tree(service_manager, planted_tree(), "Tree 2026-12")
    v1 = RulesVersion.objects.get(is_current=True)
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    page = client.get(f"/admin/groupings/rulesversion/{published.pk}/change/")
    assert page.status_code == 200 and "L01" in page.content.decode()
    response = client.post(
        f"/admin/groupings/rulesversion/{published.pk}/change/", _change_form(published, is_current="on")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RulesVersion.objects.get(is_current=True) == published
    v1.refresh_from_db()
    assert not v1.is_current

    clinician = service["clinician"]
    case = factories.case(service["team_a"])
    view, suggestion = services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2026, 11, 2),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=3, p03=2),
    )
    expected = path_rules(published)
    assert suggestion.rules_version == published and suggestion.rule.startswith("P")
    path = expected.path(suggestion.rule)
    assert suggestion.grouping is not None and suggestion.grouping.code == path.grouping
    client.force_login(clinician)
    detail = client.get(f"/cases/{case.pk}/current-views/{view.pk}/").content.decode().replace("&#x27;", "'")
    assert "rules version Tree 2026-12" in detail
    assert f"{suggestion.rule}: {path_words(path)}." in detail and "(p09) is Moderate or Severe" in detail
    assert f"Leaf L{int(suggestion.rule[1:])}: " in detail
    assert Suggestion.objects.filter(rules_version=published).count() == 1


def test_the_admin_refuses_a_faulty_path_definition_naming_the_key(client, reference_data):
    log_in_with_second_factor(client, factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    definition = {
        "insufficient_not_known_at_least": 10,
        "paths": [{"id": "P01", "grouping": "L01", "conditions": [{"item": "p09", "answers": [4]}]}],
        "flags": {"attendance": [], "risk": []},
    }
    response = client.post(
        "/admin/groupings/rulesversion/add/",
        {
            "label": "hand-made tree",
            "description": "",
            "rules_definition": json.dumps(definition),
            "groupings-TOTAL_FORMS": "0",
            "groupings-INITIAL_FORMS": "0",
        },
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert (
        "These rules cannot be used" in page
        and "paths[0].conditions[0].answers: 4 is not an answer of p09" in page
    )
    assert not RulesVersion.objects.filter(label="hand-made tree").exists()


def test_the_demo_seeds_its_history_under_a_current_published_tree(reference_data):
    from assessments.models import CurrentView
    from demo.seed import seed

    service_manager = factories.user(Role.SERVICE_MANAGER, provider=factories.provider())
    published = publish_tree(service_manager, planted_tree(), "Tree for the demo")
    RulesVersion.objects.filter(is_current=True).update(is_current=False)
    RulesVersion.objects.filter(pk=published.pk).update(is_current=True)
    seed(cases=120, seed=7, as_of=dt.date(2026, 10, 31))
    suggestions = Suggestion.objects.filter(rules_version=published)
    assert suggestions.count() == CurrentView.objects.count() > 50
    rules = set(suggestions.values_list("rule", flat=True))
    assert len(rules) > 1 and all(rule.startswith("P") or rule == "INSUFFICIENT" for rule in rules)
    allocated = set(published.groupings.values_list("pk", flat=True))
    assert all(pk in allocated for pk in Allocation.objects.values_list("grouping_id", flat=True))
