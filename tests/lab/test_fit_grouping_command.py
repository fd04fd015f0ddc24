"""`python manage.py fit_grouping tree|clusters|classifier IN.csv OUT.json [--seed N]` end to end."""

import csv
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID
from lab.synthetic import planted_episodes
from tests.lab.helpers import v1_rules

WORDS = {
    "severity": {-1: "Not known", 0: "None", 1: "Mild", 2: "Moderate", 3: "Severe"},
    "presence": {-1: "", 0: "No", 1: "Yes"},
}


def write_episodes(path, n=400, seed=3, bad=True):
    episodes = planted_episodes(n, v1_rules(), seed=seed)
    assert episodes.cost is not None and episodes.allocated is not None
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["episode", *ALL_ITEMS, "appointments", "cost", "allocated_grouping"])
        for n_row, codes in enumerate(episodes.codes):
            words = [
                WORDS[ITEMS_BY_ID[item].response_scale][int(c)]
                for item, c in zip(ALL_ITEMS, codes, strict=True)
            ]
            writer.writerow(
                [
                    f"E{n_row}",
                    *words,
                    int(episodes.appointments[n_row]),
                    f"{episodes.cost[n_row]:.2f}",
                    episodes.allocated[n_row],
                ]
            )
        if bad:
            writer.writerow(["bad-1", "Moderat", *["0"] * 49, "3", "100", "GA01"])
            writer.writerow(["bad-2", *["0"] * 50, "two", "100", "GA01"])
            writer.writerow(["bad-3", *["0"] * 50, "3", "-5", ""])
            writer.writerow(["bad-4", "None", "None"])
    return episodes


def run(*args):
    call_command("fit_grouping", *map(str, args))


@pytest.mark.django_db
def test_a_tree_fit_writes_the_figures_an_analyst_needs_and_reports_bad_rows(tmp_path, capsys):
    write_episodes(tmp_path / "in.csv")
    run("tree", tmp_path / "in.csv", tmp_path / "out.json", "--seed", 5)
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["method"] == "tree" and out["n"] == 400 and out["seed"] == 5
    assert out["cv_r2"] > 0.2 and out["rules_eta2"] is not None
    assert out["groups"] and {"size", "mean_appointments", "description"} <= set(out["groups"][0])
    assert sum(group["size"] for group in out["groups"]) == 400
    assert out["input"]["rows"] == 404 and out["input"]["bad_rows"] == 4
    reasons = {row["line"]: row["reason"] for row in out["input"]["bad_row_examples"]}
    assert reasons == {
        402: "p01: 'Moderat' is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)",
        403: "appointments: 'two' is not a whole number 0 or more",
        404: "cost: '-5' is not an amount 0 or more; allocated_grouping is blank",
        405: "the row has 3 cells, the header has 54",
    }
    printed = capsys.readouterr()
    assert "line 402: p01: 'Moderat'" in printed.err
    assert "tree: 400 episodes (4 bad rows left out)" in printed.out


@pytest.mark.django_db
def test_the_same_file_and_seed_give_the_same_json(tmp_path):
    write_episodes(tmp_path / "in.csv", bad=False)
    run("clusters", tmp_path / "in.csv", tmp_path / "a.json", "--seed", 2, "--k-max", 4)
    run("clusters", tmp_path / "in.csv", tmp_path / "b.json", "--seed", 2, "--k-max", 4)
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert set(json.loads((tmp_path / "a.json").read_text())["silhouettes"]) == {"2", "3", "4"}


@pytest.mark.django_db
def test_the_classifier_reports_its_kappa_beside_the_rules_kappa(tmp_path):
    write_episodes(tmp_path / "in.csv", n=600, bad=False)
    run("classifier", tmp_path / "in.csv", tmp_path / "out.json")
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["cv_kappa"] > 0.3 and out["rules_kappa"] > 0.7
    assert np.array(out["confusion"]["matrix"]).sum() == 600


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("p01,p02\n", "missing item column"),
        (",".join(ALL_ITEMS) + "\n", "missing column 'appointments'"),
        (",".join([*ALL_ITEMS, "appointments"]) + "\n" + ",".join(["0"] * 50 + ["1"]) + "\n", "too few"),
    ],
)
def test_a_file_the_lab_cannot_use_is_refused_with_a_reason_and_no_output(tmp_path, content, message):
    (tmp_path / "in.csv").write_text(content)
    with pytest.raises(CommandError, match=message):
        run("tree", tmp_path / "in.csv", tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()


@pytest.mark.django_db
def test_the_classifier_without_allocations_is_refused(tmp_path):
    rows = [",".join([*ALL_ITEMS, "appointments"])] + [",".join(["0"] * 50 + [str(n % 4)]) for n in range(40)]
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(CommandError, match="need allocated groupings"):
        run("classifier", tmp_path / "in.csv", tmp_path / "out.json")
