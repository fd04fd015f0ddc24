import csv
import io

import pytest

from assessments.batch_scoring import BatchInputError, BatchSummary, score_csv
from assessments.scoring import SPEC_MISSING_DATA_RULES, MissingDataRules, score_rcads, score_sdq

SDQ_HEADER = [f"i{item:02d}" for item in range(1, 26)]
RCADS_HEADER = [f"i{item:02d}" for item in range(1, 48)]
HONOSCA_HEADER = [f"i{item:02d}" for item in range(1, 14)]
SDQ_SCORES = [
    "emotional",
    "conduct",
    "hyperactivity",
    "peer",
    "prosocial",
    "total_difficulties",
    "externalising",
    "internalising",
    "impact",
]
HONOSCA_SCORES = ["section_a_total", "total"]
RCADS_SCORES = ["separation", "social", "gad", "panic", "ocd", "depression", "total_anxiety", "total"]


def to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def run(measure, rows, params=SPEC_MISSING_DATA_RULES):
    outfile = io.StringIO()
    summary = score_csv(measure, io.StringIO(to_csv(rows)), outfile, params)
    return summary, list(csv.DictReader(io.StringIO(outfile.getvalue())))


def run_raw(measure, rows, params=SPEC_MISSING_DATA_RULES):
    outfile = io.StringIO()
    summary = score_csv(measure, io.StringIO(to_csv(rows)), outfile, params)
    return summary, list(csv.reader(io.StringIO(outfile.getvalue())))


def scores_of(row, names=SDQ_SCORES):
    return {name: row[name] for name in names}


def as_cells(scores: dict[str, int | None]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in scores.items()}


def test_response_words_in_any_case_score_the_same_as_their_codes():
    words = ["Not true", "SOMEWHAT TRUE", "certainly true", "  Somewhat   True "] * 6 + ["not TRUE"]
    codes = ["0", "1", "2", "1"] * 6 + ["0"]

    summary, rows = run("sdq", [SDQ_HEADER, words, codes])

    expected = as_cells(score_sdq({item: int(code) for item, code in enumerate(codes, start=1)}).as_dict())
    expected["impact"] = ""  # no impact columns
    assert summary == BatchSummary(rows=2, errors=0)
    assert scores_of(rows[0]) == scores_of(rows[1]) == expected
    assert rows[0]["error"] == rows[1]["error"] == ""


def test_a_row_of_somewhat_true_scores_five_on_every_scale():
    _, rows = run("sdq", [SDQ_HEADER, ["Somewhat true"] * 25])

    assert scores_of(rows[0]) == {
        "emotional": "5",
        "conduct": "5",
        "hyperactivity": "5",
        "peer": "5",
        "prosocial": "5",
        "total_difficulties": "20",
        "externalising": "10",
        "internalising": "10",
        "impact": "",
    }


def test_blank_cells_are_unanswered_items_and_a_missing_score_is_an_empty_cell():
    cells = ["1"] * 25
    for item in (3, 8, 13):
        cells[item - 1] = ""
    cells[16 - 1] = "   "

    summary, rows = run("sdq", [SDQ_HEADER, cells])

    assert summary.errors == 0
    assert rows[0]["emotional"] == ""
    assert rows[0]["total_difficulties"] == ""
    assert rows[0]["conduct"] == "5"
    assert rows[0]["error"] == ""


def test_other_columns_pass_through_with_formulas_neutralised_and_scores_follow_them():
    header = ["case_id", *SDQ_HEADER[:10], "completed_on", *SDQ_HEADER[10:], "informant"]
    row = ["=HYPERLINK(1)", *["0"] * 10, "2024-05-01", *["2"] * 15, "parent, mother"]  # no impact columns

    _, out = run_raw("sdq", [header, row])

    assert out[0] == [*header, *SDQ_SCORES, "error"]
    assert out[1][: len(row)] == ["'=HYPERLINK(1)", *row[1:]]
    assert len(out[1]) == len(header) + len(SDQ_SCORES) + 1


def test_item_headers_match_in_any_case_with_spaces_and_in_any_order():
    header = [f" I{item:02d} " for item in range(25, 0, -1)]
    row = ["2"] * 25

    summary, out = run_raw("sdq", [header, row])

    assert summary.errors == 0
    assert out[0][:25] == header
    assert out[1][25:] == ["10", "8", "6", "6", "10", "30", "14", "16", "", ""]


def test_every_input_row_comes_out_in_order():
    rows = [["id", *HONOSCA_HEADER]] + [[str(number), *[str(number % 5)] * 13] for number in range(50)]

    summary, out = run("honosca", rows)

    assert summary == BatchSummary(rows=50, errors=0)
    assert [row["id"] for row in out] == [str(number) for number in range(50)]
    assert [row["total"] for row in out] == [str(13 * (number % 5)) for number in range(50)]


def test_a_bad_cell_gives_an_error_row_naming_column_and_value_and_the_run_goes_on():
    bad = ["0"] * 25
    bad[6] = "Sometimes"

    summary, rows = run("sdq", [["id", *SDQ_HEADER], ["a", *bad], ["b", *["0"] * 25]])

    assert summary == BatchSummary(rows=2, errors=1)
    assert scores_of(rows[0]) == dict.fromkeys(SDQ_SCORES, "")
    assert rows[0]["error"].startswith("i07: 'Sometimes' is not an SDQ response")
    assert rows[1]["total_difficulties"] == "10"
    assert rows[1]["error"] == ""


def test_every_bad_cell_of_a_row_is_reported():
    bad = ["0"] * 25
    bad[0], bad[24] = "3", "yes"

    _, rows = run("sdq", [SDQ_HEADER, bad])

    assert "i01: '3'" in rows[0]["error"]
    assert "i25: 'yes'" in rows[0]["error"]


def test_a_row_with_too_few_cells_is_an_error_row_padded_to_the_header():
    summary, out = run_raw("honosca", [["id", *HONOSCA_HEADER], ["short", "1", "2"], ["ok", *["1"] * 13]])

    assert summary == BatchSummary(rows=2, errors=1)
    assert out[1] == ["short", "1", "2", *[""] * 11, "", "", "row has 3 cells, expected 14"]
    assert out[2][-3:] == ["13", "13", ""]


def test_a_row_with_too_many_cells_is_an_error_row():
    summary, rows = run("honosca", [HONOSCA_HEADER, ["1"] * 14])

    assert summary.errors == 1
    assert rows[0]["total"] == ""
    assert rows[0]["error"] == "row has 14 cells, expected 13"


def test_rcads_words_in_any_case_score_the_same_as_their_codes():
    codes = [item % 4 for item in range(1, 47)]
    words = [["never", "Sometimes", "OFTEN", "Always"][code] for code in codes]

    summary, rows = run("rcads", [RCADS_HEADER, [*words, ""], [*map(str, codes), ""]])

    expected = score_rcads(dict(enumerate(codes, start=1)), SPEC_MISSING_DATA_RULES).as_dict()
    assert summary.errors == 0
    assert scores_of(rows[0], RCADS_SCORES) == scores_of(rows[1], RCADS_SCORES) == as_cells(expected)
    assert expected["depression"] is not None


def test_rcads_refuses_sdq_words():
    summary, rows = run("rcads", [RCADS_HEADER, ["Not true"] + ["0"] * 46])

    assert summary.errors == 1
    assert rows[0]["error"].startswith("i01: 'Not true' is not an RCADS response (Never, Sometimes")


def test_honosca_counts_9_and_blank_as_not_known():
    _, rows = run("honosca", [HONOSCA_HEADER, ["9", "", "9", *["3"] * 10], ["9", "", "9", "", *["3"] * 9]])

    # Without columns i14 and i15 section B is not known: 5 of 15 not known leave the total missing.
    assert [row["section_a_total"] for row in rows] == ["30", ""]
    assert [row["total"] for row in rows] == ["", ""]


@pytest.mark.parametrize("cell", ["5", "8", "Severe", "2.0"])
def test_honosca_refuses_anything_but_0_to_4_and_9(cell):
    summary, rows = run("honosca", [HONOSCA_HEADER, [cell, *["0"] * 12]])

    assert summary.errors == 1
    assert rows[0]["error"] == f"i01: {cell!r} is not a HoNOSCA rating (0-4, or 9 for not known)"


def test_the_missing_data_rules_passed_in_are_the_ones_applied():
    cells = ["1"] * 13
    cells[0] = "9"

    _, rows = run("honosca", [HONOSCA_HEADER, cells], params=MissingDataRules(1, 0))

    assert rows[0]["total"] == ""


def header_error(measure, header):
    outfile = io.StringIO()
    with pytest.raises(BatchInputError) as raised:
        score_csv(
            measure, io.StringIO(to_csv([header, ["0"] * len(header)])), outfile, SPEC_MISSING_DATA_RULES
        )
    assert outfile.getvalue() == ""
    return str(raised.value)


def test_a_missing_item_column_is_refused_before_any_output():
    message = header_error("sdq", ["id", *SDQ_HEADER[:-2]])

    assert "missing item columns: i24, i25" in message


def test_an_extra_item_column_is_refused_before_any_output():
    message = header_error("sdq", [*SDQ_HEADER, "i26"])

    assert "SDQ needs item columns i01..i25" in message
    assert "unexpected item column 'i26'" in message


def test_an_item_column_without_its_leading_zero_is_refused():
    assert "unexpected item column 'i1'" in header_error("honosca", ["i1", *HONOSCA_HEADER[1:]])


def test_a_duplicate_item_column_is_refused_before_any_output():
    assert "duplicate item column 'I01'" in header_error("honosca", [*HONOSCA_HEADER, "I01"])


def test_an_input_column_named_like_a_score_column_is_refused():
    assert "column 'Total' would clash" in header_error("rcads", [*RCADS_HEADER, "Total"])
    assert "column 'error' would clash" in header_error("sdq", [*SDQ_HEADER, "error"])


def test_an_empty_input_is_refused():
    with pytest.raises(BatchInputError, match="empty"):
        score_csv("sdq", io.StringIO(""), io.StringIO(), SPEC_MISSING_DATA_RULES)


def test_an_unknown_measure_is_refused():
    with pytest.raises(BatchInputError, match="unknown measure 'phq9'"):
        score_csv("phq9", io.StringIO(to_csv([SDQ_HEADER])), io.StringIO(), SPEC_MISSING_DATA_RULES)


def test_a_header_only_input_gives_a_header_only_output():
    summary, out = run_raw("honosca", [HONOSCA_HEADER])

    assert summary == BatchSummary(rows=0, errors=0)
    assert out == [[*HONOSCA_HEADER, *HONOSCA_SCORES, "error"]]


def test_unreadable_csv_is_refused_naming_the_line():
    text = to_csv([HONOSCA_HEADER, ["0"] * 13]) + "0," + "x" * 200_000 + "\n"

    with pytest.raises(BatchInputError, match="line 3"):
        score_csv("honosca", io.StringIO(text), io.StringIO(), SPEC_MISSING_DATA_RULES)


class CountingLines:
    """An endless input that counts how many lines have been read."""

    def __init__(self, header: str, line: str) -> None:
        self.header, self.line, self.read = header, line, 0

    def __iter__(self):
        yield self.header
        while True:
            self.read += 1
            yield self.line


class StopAfterRows(io.StringIO):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def write(self, text: str) -> int:
        self.rows -= text.count("\n")
        if self.rows < 0:
            raise RuntimeError("enough")
        return super().write(text)


def test_rows_are_scored_and_written_chunk_by_chunk_without_reading_the_whole_input():
    infile = CountingLines(",".join(HONOSCA_HEADER) + "\n", ",".join(["1"] * 13) + "\n")

    with pytest.raises(RuntimeError, match="enough"):
        score_csv("honosca", infile, StopAfterRows(250), SPEC_MISSING_DATA_RULES, chunk_rows=100)  # type: ignore[arg-type]

    assert infile.read <= 300  # only the chunks written so far were read, from an endless input


def test_a_blank_line_is_an_error_row_of_no_cells():
    text = to_csv([HONOSCA_HEADER, ["1"] * 13]) + "\r\n" + to_csv([["2"] * 13])
    outfile = io.StringIO()

    summary = score_csv("honosca", io.StringIO(text, newline=""), outfile, SPEC_MISSING_DATA_RULES)

    assert summary == BatchSummary(rows=3, errors=1)
    assert list(csv.reader(io.StringIO(outfile.getvalue())))[1:] == [
        [*["1"] * 13, "13", "13", ""],
        [*[""] * 13, "", "", "row has 0 cells, expected 13"],
        [*["2"] * 13, "26", "26", ""],
    ]


def test_quoted_cells_and_chunk_boundaries_do_not_change_the_output():
    header = ["id", *SDQ_HEADER, "note"]
    notes = ["", "a, b", 'said "no"', "two\r\nlines", "plain"]
    rows = [[str(n), *[str(n % 3)] * 25, notes[n % 5]] for n in range(23)]
    rows[7][3] = "Sometimes"
    rows[11] = rows[11][:4]
    text = to_csv([header, *rows])

    def scored(chunk_rows):
        outfile = io.StringIO()
        summary = score_csv(
            "sdq", io.StringIO(text, newline=""), outfile, SPEC_MISSING_DATA_RULES, chunk_rows
        )
        return summary, outfile.getvalue()

    whole = scored(1000)
    assert scored(1) == scored(4) == whole
    assert whole[0] == BatchSummary(rows=23, errors=2)
    assert list(csv.reader(io.StringIO(whole[1])))[1:][3][-11] == notes[3]


HONOSCA_BOTH_SECTIONS = [f"i{item:02d}" for item in range(1, 16)]
SDQ_TEACHER = ["informant", "overall_difficulties", "distress", "peer_relationships", "classroom_learning"]
SDQ_PARENT_AREAS = ["distress", "home_life", "friendships", "classroom_learning", "leisure_activities"]


def test_a_honosca_file_with_both_sections_gives_the_section_a_total_and_the_total_of_15():
    ratings = ["2", "0", "1", "3", "0", "0", "4", "1", "2", "0", "1", "0", "3", "2", "1"]

    summary, rows = run("honosca", [HONOSCA_BOTH_SECTIONS, ratings, [*["4"] * 13, "9", ""]])

    assert summary.errors == 0
    assert scores_of(rows[0], HONOSCA_SCORES) == {"section_a_total": "17", "total": "20"}
    assert scores_of(rows[1], HONOSCA_SCORES) == {"section_a_total": "52", "total": "52"}


def test_honosca_section_b_columns_are_optional_but_section_a_columns_are_not():
    assert "missing item columns: i13" in header_error("honosca", HONOSCA_BOTH_SECTIONS[:12] + ["i14"])
    assert "(i14, i15 optional)" in header_error("honosca", HONOSCA_BOTH_SECTIONS[1:])
    summary, rows = run("honosca", [[*HONOSCA_HEADER, "i15"], ["1"] * 14])
    assert summary.errors == 0 and scores_of(rows[0], HONOSCA_SCORES) == {
        "section_a_total": "13",
        "total": "14",
    }


def test_sdq_impact_is_scored_from_the_overall_answer_and_the_informants_impact_areas():
    header = [*SDQ_HEADER, *SDQ_TEACHER]
    rows = [
        [*["1"] * 25, "teacher", "Yes: severe difficulties", "A great deal", "3", "a great deal"],
        [*["1"] * 25, "TEACHER", "No", "A great deal", "3", "3"],  # overall No: impact 0
        [*["1"] * 25, "teacher", "2", "", "quite a lot", ""],  # blank areas count 0
        [*["1"] * 25, "teacher", "1", "", "", ""],  # nothing answered, overall not No: missing
        [*["1"] * 25, "teacher", "", "only a little", "", ""],  # Only a little scores 0
    ]

    summary, out = run("sdq", [header, *rows])

    assert summary.errors == 0
    assert [row["impact"] for row in out] == ["6", "0", "1", "", "0"]
    assert {row["externalising"] for row in out} == {row["internalising"] for row in out} == {"10"}


def test_a_teacher_sdq_impact_never_exceeds_6_and_a_parent_reaches_10():
    teacher = [*SDQ_HEADER, *SDQ_TEACHER]
    parent = [*SDQ_HEADER, "informant", "overall_difficulties", *SDQ_PARENT_AREAS]

    _, teacher_rows = run("sdq", [teacher, [*["0"] * 25, "teacher", "3", "3", "3", "3"]])
    _, parent_rows = run("sdq", [parent, [*["0"] * 25, "Parent", "3", *["3"] * 5]])

    assert teacher_rows[0]["impact"] == "6" and parent_rows[0]["impact"] == "10"


def test_an_impact_area_not_on_the_informants_version_is_an_error_row():
    header = [*SDQ_HEADER, "informant", "overall_difficulties", "home_life", "peer_relationships"]
    rows = [[*["0"] * 25, "teacher", "2", "3", ""], [*["0"] * 25, "self", "2", "3", "1"]]

    summary, out = run("sdq", [header, *rows])

    assert summary.errors == 2
    assert out[0]["error"] == "home_life: the teacher SDQ has no such question"
    assert out[1]["error"] == "peer_relationships: the self SDQ has no such question"
    assert out[0]["impact"] == out[0]["total_difficulties"] == ""


def test_a_bad_informant_or_impact_cell_is_an_error_row_naming_the_column():
    header = [*SDQ_HEADER, *SDQ_TEACHER]
    rows = [[*["0"] * 25, "carer", "No", "", "", ""], [*["0"] * 25, "teacher", "maybe", "4", "", ""]]

    summary, out = run("sdq", [header, *rows])

    assert summary.errors == 2
    assert out[0]["error"] == "informant: 'carer' is not an SDQ informant (parent, teacher or self)"
    assert out[1]["error"].startswith(
        "overall_difficulties: 'maybe' is not an SDQ overall-difficulties answer"
    )
    assert "distress: '4' is not an SDQ impact response" in out[1]["error"]


def test_impact_columns_need_an_informant_column():
    message = header_error("sdq", [*SDQ_HEADER, "overall_difficulties", "distress"])

    assert "need an 'informant' column (parent, teacher or self)" in message


def test_an_informant_column_without_impact_columns_is_passed_through_unread():
    _, out = run("sdq", [[*SDQ_HEADER, "informant"], [*["0"] * 25, "mum"]])

    assert out[0]["error"] == "" and out[0]["impact"] == "" and out[0]["informant"] == "mum"
