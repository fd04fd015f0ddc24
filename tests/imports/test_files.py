"""An extract's files are checked whole as a stream, a block at a time: a fault found across the edge of two
blocks is reported with the same line as one found inside a block, and the rows are read again when wanted."""

import pytest

from imports import files
from imports.files import CONTACTS, PATIENTS, ExtractRefused, read_extract
from tests.imports import helpers
from tests.imports.test_bad_input import EXTRACT_FAULTS

pytestmark = pytest.mark.django_db


def _refusal(folder) -> str:
    with pytest.raises(ExtractRefused) as refused:
        read_extract(folder)
    return str(refused.value)


@pytest.mark.parametrize(("fault", "spoil", "words"), EXTRACT_FAULTS, ids=[f[0] for f in EXTRACT_FAULTS])
@pytest.mark.parametrize("block", [1, 7, 64])
def test_a_fault_of_the_whole_extract_reads_the_same_in_small_blocks(
    service, tmp_path, monkeypatch, fault, spoil, words, block
):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    spoil(folder)
    in_one_block = _refusal(folder)
    monkeypatch.setattr(files, "CHUNK", block)
    assert _refusal(folder) == in_one_block


def test_a_character_that_is_not_utf8_is_found_on_its_line_across_blocks(service, tmp_path, monkeypatch):
    folder = helpers.write(tmp_path / "extract", helpers.rows(service))
    text = (folder / "patients.csv").read_bytes()
    (folder / "patients.csv").write_bytes(text.replace(b"Alex1", "Al\xe9x1".encode("latin-1")))
    monkeypatch.setattr(files, "CHUNK", 3)
    assert "patients.csv line 3 is not UTF-8" in _refusal(folder)


def test_the_rows_of_a_file_are_read_again_each_time_they_are_wanted(service, tmp_path):
    extract = read_extract(helpers.write(tmp_path / "extract", helpers.rows(service)))
    contacts = extract[CONTACTS.name]
    assert [row.line for row in contacts.rows] == [2, 3]
    assert [row.cells["CareContactId"] for row in contacts.rows if row.cells] == ["C0", "C1"]
    assert extract[PATIENTS.name].one_row_a_line and not extract[PATIENTS.name].quoted
