"""`manage.py rater_agreement PAIRS.csv OUT.json`: the figures of a good file, and a bad file's every bad line
with its reason, a nonzero exit and nothing written."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from assessments.current_view_items import ALL_ITEMS

HEADER = ["subject", "rater", "grouping", *ALL_ITEMS]


def row(subject: str, rater: str, grouping: str, p09: str = "Moderate", **items: str) -> str:
    cells = {item: "0" for item in ALL_ITEMS} | {"p09": p09} | items
    return ",".join([subject, rater, grouping, *(cells[item] for item in ALL_ITEMS)])


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n", encoding="utf-8")
    return path


def test_two_raters_per_subject_give_cohen_fleiss_interval_and_item_kappas(tmp_path):
    groupings = [("GH03", "GH03"), ("GH03", "GH03"), ("GA01", "GH03"), ("GA01", "GA01"), ("GM01", "GM01")]
    moods = [
        ("Moderate", "Moderate"),
        ("Severe", "Moderate"),
        ("Mild", "Mild"),
        ("None", "Not known"),
        ("Severe", "Severe"),
    ]
    rows = []
    for n, ((a, b), (mood_a, mood_b)) in enumerate(zip(groupings, moods, strict=True)):
        rows += [row(f"s{n}", "alice", a, mood_a), row(f"s{n}", "bob", b, mood_b)]
    call_command(
        "rater_agreement",
        str(write(tmp_path / "pairs.csv", *rows)),
        str(tmp_path / "out.json"),
        "--seed",
        "3",
    )
    figures = json.loads((tmp_path / "out.json").read_text())
    first, second = zip(*groupings, strict=True)
    assert figures["n_subjects"] == 5 and figures["n_raters"] == 2
    assert figures["percent_agreement"] == pytest.approx(80.0)
    assert figures["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, second))
    counts = np.array([[first[n] == c for c in ("GA01", "GH03", "GM01")] for n in range(5)], dtype=int)
    counts += np.array([[second[n] == c for c in ("GA01", "GH03", "GM01")] for n in range(5)], dtype=int)
    assert figures["fleiss_kappa"] == pytest.approx(statsmodels_fleiss(counts))
    low, high = figures["kappa_ci95"]
    assert low <= high
    p09 = figures["items"]["p09"]
    # the pair with Not known is dropped for p09 only
    assert p09["n"] == 4 and figures["items"]["p01"]["n"] == 5
    assert p09["weighted_kappa"] == pytest.approx(
        cohen_kappa_score([2, 3, 1, 3], [2, 2, 1, 3], labels=[0, 1, 2, 3], weights="quadratic")
    )


def test_three_raters_per_subject_have_no_cohen_kappa(tmp_path):
    rows = [row(f"s{n}", rater, "GH03" if n % 2 else "GA01") for n in range(4) for rater in ("a", "b", "c")]
    call_command("rater_agreement", str(write(tmp_path / "pairs.csv", *rows)), str(tmp_path / "out.json"))
    figures = json.loads((tmp_path / "out.json").read_text())
    assert figures["cohen_kappa"] is None and figures["fleiss_kappa"] == pytest.approx(1.0)
    assert figures["n_raters"] == 3 and figures["percent_agreement"] == 100.0


def test_the_add_on_pair_is_its_own_category(tmp_path):
    rows = [
        row("s1", "a", "GH03 + GA02"),
        row("s1", "b", "GH03"),
        row("s2", "a", "gh03+ga02"),
        row("s2", "b", "GH03 + GA02"),
    ]
    call_command("rater_agreement", str(write(tmp_path / "pairs.csv", *rows)), str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text())["percent_agreement"] == 50.0


def test_a_bad_file_names_every_bad_line_and_writes_nothing(tmp_path, capsys):
    pairs = write(
        tmp_path / "pairs.csv",
        row("s1", "a", "GH03"),
        row("s1", "b", "GH03", p09="Very bad"),
        row("s1", "a", "GA01"),
        row("", "b", ""),
        "s9,a,GH03",
        row("s2", "a", "GH03"),
        row("s3", "a", "GH03"),
        row("s3", "b", "GH03"),
    )
    out = tmp_path / "out.json"
    with pytest.raises(CommandError, match="5 problem"):
        call_command("rater_agreement", str(pairs), str(out))
    errors = capsys.readouterr().err
    assert "Line 3: p09: 'Very bad' is not a rating" in errors
    assert "Line 4: rater 'a' rated subject 's1' already on line 2" in errors
    assert "Line 5: subject is blank; grouping is blank" in errors
    assert "Line 6: the row has 3 cells, the header has 53" in errors
    assert "Line 7: subject 's2' has one rater" in errors
    assert not out.exists()


def test_a_missing_column_is_named(tmp_path, capsys):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("subject,grouping," + ",".join(ALL_ITEMS) + "\n")
    with pytest.raises(CommandError):
        call_command("rater_agreement", str(pairs), str(tmp_path / "out.json"))
    assert "missing column(s) rater" in capsys.readouterr().err


def test_the_command_exits_nonzero_on_a_bad_file(tmp_path):
    pairs = write(tmp_path / "pairs.csv", row("s1", "a", "GH03"))
    completed = subprocess.run(
        [sys.executable, "manage.py", "rater_agreement", str(pairs), str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "SECRET_KEY": "x"},
    )
    assert completed.returncode == 1 and "subject 's1' has one rater" in completed.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_written(tmp_path, capsys):
    pairs, out = tmp_path / "pairs.csv", tmp_path / "out.json"
    pairs.write_bytes("subject,rater,grouping\nS1,Zoë,GH03\n".encode("latin-1"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("rater_agreement", str(pairs), str(out))
    assert "not UTF-8 text" in capsys.readouterr().err
    assert not out.exists()
