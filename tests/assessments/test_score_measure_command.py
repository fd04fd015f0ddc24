import csv

import pytest
from django.core.management import CommandError, call_command

from assessments.models import ScoringRules

pytestmark = pytest.mark.django_db


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def read(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sdq_words_in_any_case_are_scored_and_other_columns_pass_through(tmp_path, reference_data):
    header = ["id", *[f"i{n:02d}" for n in range(1, 26)]]
    row = ["a1", *["not true"] * 25]
    row[1 + 2] = row[1 + 7] = row[1 + 12] = row[1 + 15] = row[1 + 23] = "CERTAINLY TRUE"  # items 3 8 13 16 24
    write(tmp_path / "in.csv", header, [row, ["a2", *["maybe"] + ["0"] * 24]])
    call_command("score_measure", "sdq", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    first, second = read(tmp_path / "out.csv")
    assert (first["id"], first["emotional"], first["total_difficulties"], first["error"]) == (
        "a1",
        "10",
        "20",
        "",
    )
    assert second["id"] == "a2" and second["total_difficulties"] == "" and "i01" in second["error"]


def test_rcads_uses_the_current_missing_data_rules(tmp_path, reference_data):
    header = [f"i{n:02d}" for n in range(1, 48)]
    row = ["1"] * 47
    row[4] = row[8] = ""  # separation items 5 and 9 unanswered
    write(tmp_path / "in.csv", header, [row])
    call_command("score_measure", "rcads", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    assert read(tmp_path / "out.csv")[0]["separation"] == ""
    ScoringRules.objects.update(rcads_max_missing_per_subscale=2)
    call_command("score_measure", "rcads", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    assert read(tmp_path / "out.csv")[0]["separation"] == "7"


def test_a_missing_item_column_is_an_error_before_any_output(tmp_path, reference_data):
    write(tmp_path / "in.csv", [f"i{n:02d}" for n in range(1, 13)], [["0"] * 12])
    with pytest.raises(CommandError, match="i13"):
        call_command("score_measure", "honosca", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]
