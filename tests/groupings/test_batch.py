import csv
import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from assessments.current_view_items import ALL_ITEMS, PROBLEM_ITEMS
from groupings.batch import RESULT_COLUMNS, BatchInputError, BatchSummary, group_csv, group_csv_file
from groupings.rules import DEMO_V2_DEFINITION, V1_DEFINITION, ruleset_from_definition
from tests.groupings.helpers import copy_of_current_rules_version

RULES = ruleset_from_definition("CAMHS-NBG v1", V1_DEFINITION)


def row(**cells: str) -> dict[str, str]:
    """A Current View row in words: every item None / No unless given."""
    base = {item: "No" if item.startswith("c") else "None" for item in ALL_ITEMS}
    return base | cells


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[r.get(column, "") for column in header] for r in rows])
    return buffer.getvalue()


def group(text: str, chunk_rows: int = 50_000) -> tuple[list[dict[str, str]], BatchSummary, str]:
    out = io.StringIO()
    summary = group_csv(io.StringIO(text, newline=""), out, RULES, chunk_rows=chunk_rows)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline=""))), summary, out.getvalue()


def results(text: str) -> list[tuple[str, str]]:
    return [(r["grouping"], r["rule"]) for r in group(text)[0]]


@pytest.mark.parametrize("cell", ["Moderate", "moderate", "MODERATE", "  Moderate ", "2", " 2", "moDERate"])
def test_a_rating_may_be_a_word_in_any_case_or_a_code(cell):
    assert results(to_csv([row(p09=cell)])) == [("GH03", "R05")]


@pytest.mark.parametrize(("word", "code"), [("None", "0"), ("Mild", "1"), ("Moderate", "2"), ("Severe", "3")])
def test_rating_words_and_codes_mean_the_same(word, code):
    by_word = group(to_csv([row(p12=word, e49=word, p10=word)]))[0]
    by_code = group(to_csv([row(p12=code, e49=code, p10=code)]))[0]
    assert [r | {"p12": "", "e49": "", "p10": ""} for r in by_word] == [
        r | {"p12": "", "e49": "", "p10": ""} for r in by_code
    ]


@pytest.mark.parametrize("cell", ["Yes", "yes", "YES", " Yes ", "1"])
def test_a_complexity_answer_may_be_a_word_in_any_case_or_a_code(cell):
    assert results(to_csv([row(p28="Moderate", c35=cell)])) == [("GH11", "R11")]


@pytest.mark.parametrize("cell", ["No", "no", "0", "", "Not known", "not known", "NOT KNOWN", " Not  Known "])
def test_a_complexity_factor_not_answered_yes_does_not_block_neurodevelopmental_assessment(cell):
    assert results(to_csv([row(p28="Moderate", c35=cell)])) == [("GA02", "R10")]


def test_blank_ratings_are_not_known():
    blanks = {item: "" for item in PROBLEM_ITEMS[:10]}
    assert results(to_csv([row(**blanks)])) == [("", "INSUFFICIENT")]


def test_nine_blank_ratings_still_give_a_suggestion():
    blanks = {item: "" for item in PROBLEM_ITEMS[:9]}
    assert results(to_csv([row(**blanks)])) == [("GA01", "R12")]


@pytest.mark.parametrize("cell", ["Not known", "not known", "NOT KNOWN", "Not Known"])
def test_not_known_in_any_case_counts_towards_insufficient_information(cell):
    unknown = {item: cell for item in PROBLEM_ITEMS[10:20]}
    assert results(to_csv([row(**unknown)])) == [("", "INSUFFICIENT")]


def test_the_result_columns_carry_version_complexity_count_and_yes_no_flags():
    grouped = group(to_csv([row(p10="Severe", e49="Moderate", c31="Yes", c41="yes"), row()]))[0]
    assert [{column: r[column] for column in RESULT_COLUMNS} for r in grouped] == [
        {
            "grouping": "GH07",
            "add_on_grouping": "",
            "rule": "R05",
            "rules_version": "CAMHS-NBG v1",
            "complexity_count": "2",
            "attendance_flag": "yes",
            "risk_flag": "yes",
            "error": "",
        },
        {
            "grouping": "GA01",
            "add_on_grouping": "",
            "rule": "R12",
            "rules_version": "CAMHS-NBG v1",
            "complexity_count": "0",
            "attendance_flag": "no",
            "risk_flag": "no",
            "error": "",
        },
    ]


def test_other_columns_pass_through_unchanged_and_in_their_place():
    header = ["case_id", *ALL_ITEMS[:25], "note, with comma", *ALL_ITEMS[25:], "date"]
    rows = [
        row(p09="Moderate")
        | {"case_id": "C1", "note, with comma": 'said "no"\nthen yes', "date": "2024-01-02"},
        row() | {"case_id": "C2", "note, with comma": "", "date": " 2024-01-03 "},
    ]
    grouped, _, text = group(to_csv(rows, header))
    assert next(csv.reader(io.StringIO(text))) == [*header, *RESULT_COLUMNS]
    assert [[r[column] for column in header] for r in grouped] == [
        [r[column] for column in header] for r in rows
    ]


def test_item_columns_are_matched_ignoring_case_and_surrounding_spaces():
    header = [f" {item.upper()} " for item in ALL_ITEMS]
    text = to_csv([{f" {k.upper()} ": v for k, v in row(p09="Moderate").items()}], header)
    grouped, _, output = group(text)
    assert grouped[0]["grouping"] == "GH03"
    assert next(csv.reader(io.StringIO(output)))[:50] == header


def test_a_byte_order_mark_before_the_header_is_ignored():
    assert results("\ufeff" + to_csv([row(p09="Moderate")])) == [("GH03", "R05")]


def test_every_row_comes_out_in_the_order_it_went_in():
    cells = ["Moderate", "None", "Mild", "Severe"] * 5
    rows = [row(p02=cell) | {"case_id": str(n)} for n, cell in enumerate(cells)]
    grouped = group(to_csv(rows, ["case_id", *ALL_ITEMS]))[0]
    assert [r["case_id"] for r in grouped] == [str(n) for n in range(20)]
    assert [r["grouping"] for r in grouped] == [
        "GH08" if c in ("Moderate", "Severe") else "GA01" for c in cells
    ]


def test_blank_lines_are_skipped():
    text = to_csv([row(p09="Moderate")]) + "\r\n\r\n" + to_csv([row()]).split("\r\n", 1)[1]
    grouped, summary, _ = group(text)
    assert [r["grouping"] for r in grouped] == ["GH03", "GA01"] and summary == BatchSummary(rows=2, errors=0)


def test_a_header_without_rows_gives_a_header_without_rows():
    grouped, summary, text = group(",".join(ALL_ITEMS) + "\r\n")
    assert grouped == [] and summary == BatchSummary(rows=0, errors=0)
    assert text.strip() == ",".join([*ALL_ITEMS, *RESULT_COLUMNS])


def test_a_bad_rating_makes_an_error_row_and_the_run_goes_on():
    grouped, summary, _ = group(to_csv([row(p09="Moderate"), row(p09="Moderat"), row(p02="Severe")]))
    assert [(r["grouping"], r["rule"]) for r in grouped] == [("GH03", "R05"), ("", ""), ("GH08", "R05")]
    assert (
        grouped[1]["error"]
        == "p09: 'Moderat' is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)"
    )
    assert summary == BatchSummary(rows=3, errors=1)


def test_an_error_row_keeps_its_cells_and_leaves_every_result_empty():
    bad = row(p09="4")
    grouped = group(to_csv([bad]))[0]
    assert [grouped[0][item] for item in ALL_ITEMS] == [bad[item] for item in ALL_ITEMS]
    assert all(grouped[0][column] == "" for column in RESULT_COLUMNS[:-1])
    assert grouped[0]["error"].startswith("p09: '4' is not a rating")


@pytest.mark.parametrize("cell", ["None", "2", "Maybe", "Mild"])
def test_a_complexity_answer_must_be_yes_no_or_not_known(cell):
    grouped = group(to_csv([row(c35=cell)]))[0]
    assert grouped[0]["error"] == f"c35: '{cell}' is not an answer (Yes, No, Not known or 1/0)"


def test_every_bad_cell_of_a_row_is_named():
    grouped = group(to_csv([row(p09="Moderat", c31="Y", e50="-1")]))[0]
    assert grouped[0]["error"] == (
        "p09: 'Moderat' is not a rating (None, Mild, Moderate, Severe, Not known or 0-3); "
        "c31: 'Y' is not an answer (Yes, No, Not known or 1/0); "
        "e50: '-1' is not a rating (None, Mild, Moderate, Severe, Not known or 0-3)"
    )


def test_a_row_with_the_wrong_number_of_cells_is_an_error_row():
    header = ["case_id", *ALL_ITEMS]
    good = ",".join(["C1", *["0"] * 50])
    text = "\r\n".join([",".join(header), good, "C2,2,2", ",".join(["C3", *["0"] * 52]), good]) + "\r\n"
    grouped, summary, output = group(text)
    assert [r["error"] for r in grouped] == [
        "",
        "the row has 3 cells, the header has 51",
        "the row has 53 cells, the header has 51",
        "",
    ]
    assert [r["case_id"] for r in grouped] == ["C1", "C2", "C3", "C1"]
    assert {len(cells) for cells in csv.reader(io.StringIO(output))} == {51 + len(RESULT_COLUMNS)}
    assert summary == BatchSummary(rows=4, errors=2)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ([item for item in ALL_ITEMS if item != "c35"], "missing item column.*c35"),
        ([*ALL_ITEMS, "p31"], "'p31' is not a Current View item"),
        ([*ALL_ITEMS, "C45"], "'C45' is not a Current View item"),
        ([*ALL_ITEMS, "p1"], "'p1' is not a Current View item"),
        ([*ALL_ITEMS, " P09"], r"'p09' appears twice \(columns 9 and 51\)"),
        ([*ALL_ITEMS, "grouping"], "'grouping', which the output adds itself"),
    ],
)
def test_a_bad_header_raises_before_any_output(header, message):
    out = io.StringIO()
    text = ",".join(header) + "\r\n" + ",".join(["0"] * len(header)) + "\r\n"
    with pytest.raises(BatchInputError, match=message):
        group_csv(io.StringIO(text, newline=""), out, RULES)
    assert out.getvalue() == ""


def test_an_empty_file_raises_before_any_output():
    out = io.StringIO()
    with pytest.raises(BatchInputError, match="empty"):
        group_csv(io.StringIO(""), out, RULES)
    assert out.getvalue() == ""


def test_chunk_boundaries_do_not_change_the_output():
    cells = ["Moderate", "Moderat", "", "Severe", "2", "Not known", "mild", "3", "None", "x"]
    rows = [row(p09=cell, p15=cells[-n - 1]) | {"case_id": str(n)} for n, cell in enumerate(cells)]
    text = to_csv(rows, ["case_id", *ALL_ITEMS])
    whole = group(text, chunk_rows=1000)
    assert group(text, chunk_rows=3) == whole
    assert group(text, chunk_rows=1) == whole
    assert whole[1] == BatchSummary(rows=10, errors=4)


def test_chunk_rows_must_be_positive():
    with pytest.raises(ValueError, match="chunk_rows"):
        group_csv(io.StringIO(to_csv([row()])), io.StringIO(), RULES, chunk_rows=0)


def test_grouping_a_file_writes_the_output_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "in.csv").write_text("\ufeff" + to_csv([row(p09="Moderate")]), encoding="utf-8")
    summary = group_csv_file(tmp_path / "in.csv", tmp_path / "out.csv", RULES)
    assert summary == BatchSummary(rows=1, errors=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]
    assert "GH03" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_a_bad_header_leaves_no_output_file(tmp_path):
    (tmp_path / "in.csv").write_text("p01,p02\r\n0,0\r\n", encoding="utf-8")
    with pytest.raises(BatchInputError):
        group_csv_file(tmp_path / "in.csv", tmp_path / "out.csv", RULES)
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_a_bad_header_leaves_an_earlier_output_file_untouched(tmp_path):
    (tmp_path / "in.csv").write_text("p01,p02\r\n0,0\r\n", encoding="utf-8")
    (tmp_path / "out.csv").write_text("earlier run", encoding="utf-8")
    with pytest.raises(BatchInputError):
        group_csv_file(tmp_path / "in.csv", tmp_path / "out.csv", RULES)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "earlier run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.fixture
def v2_rules_version(reference_data):
    """A second rules version in the database, under which Moderate is no longer "high"."""
    return copy_of_current_rules_version("v2 test", high_at_least=3)


def test_the_command_groups_a_file_with_the_current_rules_and_prints_a_summary(tmp_path, v2_rules_version):
    (tmp_path / "in.csv").write_text(to_csv([row(p09="Moderate"), row(p09="?"), row()]), encoding="utf-8")
    stdout = io.StringIO()
    call_command("group_current_views", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"), stdout=stdout)
    assert stdout.getvalue().startswith("3 rows, 1 error rows, ")
    assert "rows/s (CAMHS-NBG v1)" in stdout.getvalue()
    grouped = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8", newline="")))
    assert [r["grouping"] for r in grouped] == ["GH03", "", "GA01"]
    assert {r["rules_version"] for r in grouped} == {"CAMHS-NBG v1", ""}


def test_the_command_uses_the_named_rules_version(tmp_path, v2_rules_version):
    (tmp_path / "in.csv").write_text(to_csv([row(p09="Moderate")]), encoding="utf-8")
    call_command(
        "group_current_views",
        str(tmp_path / "in.csv"),
        str(tmp_path / "out.csv"),
        "--rules-version",
        "v2 test",
    )
    grouped = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8", newline="")))
    assert (grouped[0]["grouping"], grouped[0]["rules_version"]) == ("GA01", "v2 test")


def test_the_command_reports_an_unknown_rules_version(tmp_path, reference_data):
    (tmp_path / "in.csv").write_text(to_csv([row()]), encoding="utf-8")
    with pytest.raises(CommandError, match=r"No rules version 'v9'; known versions: .*CAMHS-NBG v1"):
        call_command(
            "group_current_views",
            str(tmp_path / "in.csv"),
            str(tmp_path / "out.csv"),
            "--rules-version",
            "v9",
        )
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_the_command_turns_a_bad_header_into_a_command_error_and_writes_nothing(tmp_path, reference_data):
    (tmp_path / "in.csv").write_text(",".join([*ALL_ITEMS, "p09"]) + "\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="'p09' appears twice"):
        call_command("group_current_views", str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_the_command_reports_a_missing_input_file(tmp_path, reference_data):
    with pytest.raises(CommandError, match="No such file"):
        call_command("group_current_views", str(tmp_path / "absent.csv"), str(tmp_path / "out.csv"))
    assert list(tmp_path.iterdir()) == []


class LongCsv:
    """A CSV of one header and 100,000 rows, made as it is read, that counts how many rows were read."""

    def __init__(self, rows: int = 100_000) -> None:
        self.header = ",".join(ALL_ITEMS) + "\r\n"
        self.rows, self.rows_read = rows, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.header:
            line, self.header = self.header, ""
            return line
        if self.rows_read == self.rows:
            raise StopIteration
        self.rows_read += 1
        return ",".join(["0"] * len(ALL_ITEMS)) + "\r\n"


class StopAfterWrites(io.StringIO):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def write(self, text: str) -> int:
        self.rows -= text.count("\n")
        if self.rows < 0:
            raise RuntimeError("enough")
        return super().write(text)


def test_rows_are_grouped_and_written_chunk_by_chunk_without_reading_the_whole_file():
    infile = LongCsv()
    with pytest.raises(RuntimeError, match="enough"):
        group_csv(infile, StopAfterWrites(250), RULES, chunk_rows=100)
    assert infile.rows_read <= 300  # only the chunks written so far were read, not the 100,000 rows


DEMO_V2 = ruleset_from_definition("demo v2", DEMO_V2_DEFINITION)


def group_v2(text: str) -> list[dict[str, str]]:
    out = io.StringIO()
    group_csv(io.StringIO(text, newline=""), out, DEMO_V2)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_the_output_names_the_add_on_grouping_beside_the_grouping():
    grouped = group_v2(to_csv([row(p09="Moderate", p28="Moderate"), row(p09="Moderate")]))
    assert [(r["grouping"], r["add_on_grouping"], r["rule"]) for r in grouped] == [
        ("GH03", "GA02", "R05"),
        ("GH03", "", "R05"),
    ]
    assert list(grouped[0])[-len(RESULT_COLUMNS) :] == list(RESULT_COLUMNS)


@pytest.mark.parametrize(
    ("age", "grouping"), [("7", "GH11"), ("8", "GMH01"), (" 12 ", "GMH01"), ("", "GH11")]
)
def test_an_age_column_feeds_the_age_bands_and_blank_is_not_known(age, grouping):
    grouped = group_v2(to_csv([row(p20="Severe", age=age)]))
    assert (grouped[0]["grouping"], grouped[0]["age"], grouped[0]["error"]) == (grouping, age, "")


def test_without_an_age_column_every_age_is_not_known():
    assert group_v2(to_csv([row(p20="Severe")]))[0]["grouping"] == "GH11"


@pytest.mark.parametrize("age", ["seven", "-1", "7.5", "121"])
def test_an_age_that_is_not_whole_years_is_an_error_row(age):
    grouped = group_v2(to_csv([row(p20="Severe", age=age), row(p20="Severe", age="9")]))
    assert grouped[0]["error"] == f"age: {age!r} is not an age in whole years (0-120)"
    assert grouped[0]["grouping"] == ""
    assert grouped[1]["grouping"] == "GMH01"


def test_an_age_column_given_twice_is_refused():
    with pytest.raises(BatchInputError, match="column 'age' appears twice"):
        group(to_csv([row(age="9")], header=[*ALL_ITEMS, "age", "Age"]))


def test_v1_ignores_the_age_column():
    assert results(to_csv([row(p20="Severe", age="3")])) == [("GMH01", "R03")]
