"""A published tree re-groups open cases through the existing bulk re-grouping, on Redis and a real Celery
worker, while it is not current; the movement table and agreement read it like any rules version."""

import datetime as dt
import re
import time

import numpy as np
import pytest

from accounts.models import Role
from assessments.current_view_items import ALL_ITEMS, PROBLEM_ITEMS
from groupings import services
from groupings.models import Allocation, RegroupingRun, RulesVersion, Suggestion
from lab.methods import fit
from lab.publish import grouping_code, publish_tree
from lab.synthetic import planted_episodes
from tests import factories
from tests.groupings.helpers import ratings
from tests.lab.helpers import v1_rules

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

# (name, ratings, allocated grouping: v1's suggestion except for "overridden")
CASES = [
    ("low mood", ratings(p09=3), "GH03"),
    ("anxious", ratings(p03=2), "GH04"),
    ("both", ratings(p09=2, p03=3), "GH09"),
    ("overridden", ratings(p14=2), "GH11"),
    ("nothing rated", ratings(), "GA01"),
]


def wait_for(run_id: int, seconds: float = 60) -> RegroupingRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = RegroupingRun.objects.get(pk=run_id)
        if run.status in ("done", "failed"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish: {RegroupingRun.objects.get(pk=run_id).status}")


def _rows(page: str, testid: str) -> list[list[str]]:
    table = page.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    return [re.sub(r"<[^>]+>", " ", "<tr" + row).split() for row in table.split("<tr")[2:]]


def test_a_published_tree_regroups_open_cases_on_the_worker_without_becoming_current(
    client, celery_worker, service
):
    clinician = service["clinician"]
    views = {}
    for name, values, code in CASES:
        case = factories.case(service["team_a"], factories.patient(given_name=name.split()[0]))
        view, suggestion = services.record_and_suggest(
            by=clinician,
            case=case,
            completed_on=dt.date(2026, 10, 5),
            reason="first_contact",
            practitioner=clinician,
            ratings=values,
        )
        services.allocate_grouping(
            seen_allocation=None,
            by=clinician,
            case=case,
            suggestion=suggestion,
            grouping=suggestion.rules_version.groupings.get(code=code),
            reason_category="clinical_judgement",
            reason_text="Seen in clinic.",
        )
        views[name] = view
    unknown = ratings() | {item: None for item in PROBLEM_ITEMS[:12]}  # too much Not known for any version
    sparse_case = factories.case(service["team_a"], factories.patient(given_name="sparse"))
    services.record_and_suggest(
        by=clinician,
        case=sparse_case,
        completed_on=dt.date(2026, 10, 5),
        reason="first_contact",
        practitioner=clinician,
        ratings=unknown,
    )
    tree = fit("tree", planted_episodes(3000, v1_rules(), seed=4), seed=1)
    service_manager = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    published = publish_tree(service_manager, tree, "Lab tree 2026-12", "Planted demo leaves.")
    v1 = RulesVersion.objects.get(is_current=True)
    allocations_before = list(Allocation.objects.values_list("pk", "grouping__code", "end_date"))

    manager = factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],))
    client.force_login(manager)
    page = client.get("/groupings/regrouping/").content.decode()
    assert f'value="{published.pk}"' in page  # the page offers the version that is not current
    response = client.post("/groupings/regrouping/", {"rules_version": published.pk})
    run = wait_for(int(response.url.split("run=")[1]))
    assert (run.status, run.cases, run.views_grouped) == ("done", 6, 6), run.error

    # Each Current View is in the leaf the fitted tree itself gives; too much Not known is no suggestion.
    code_of = {group.label: grouping_code(n) for n, group in enumerate(tree.groups, start=1)}
    stored = {
        s.current_view_id: s
        for s in Suggestion.objects.filter(rules_version=published).select_related("grouping")
    }
    for name, view in views.items():
        codes = np.array([[-1 if (v := view.ratings()[item]) is None else v for item in ALL_ITEMS]])
        suggestion = stored[view.pk]
        assert suggestion.grouping is not None, name
        assert suggestion.grouping.code == code_of[tree.model.apply(codes)[0]], name
        assert suggestion.rule == f"P{suggestion.grouping.code[1:]}"
    sparse = Suggestion.objects.get(rules_version=published, current_view__case=sparse_case)
    assert (sparse.grouping, sparse.rule) == (None, "INSUFFICIENT")
    assert list(Allocation.objects.values_list("pk", "grouping__code", "end_date")) == allocations_before
    published.refresh_from_db()
    v1.refresh_from_db()
    assert not published.is_current and v1.is_current

    page = client.get(response.url).content.decode()
    movement = _rows(page, "movement")
    low_mood = stored[views["low mood"].pk].grouping
    assert low_mood is not None
    assert any(row[0] == "GH03" and low_mood.code in row and "Leaf" in row for row in movement), movement
    words = " ".join(" ".join(row) for row in movement)
    assert "None allocated" in words and "No suggestion" in words  # the sparse case
    assert "open referrals would move." in page
    agreement = _rows(page, "agreement")
    assert agreement and "80.0%" in " ".join(" ".join(row) for row in agreement)  # 4 of 5 followed v1

    csv = client.get(f"/groupings/regrouping/movement.csv?rules_version={published.pk}").content.decode()
    assert f"GH03,Getting Help: Depression,{low_mood.code},Leaf " in csv
