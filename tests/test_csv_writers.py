"""Every CSV the product writes goes through camhs_pbr/lib/safe_csv.py, so a cell a spreadsheet would run as a
formula is neutralised the same way everywhere (SPEC §7); a new csv.writer elsewhere fails here."""

import ast

from tests.test_architecture import project_modules

WRITERS = {"writer", "DictWriter"}
# A COPY buffer read by PostgreSQL, never a file for a person or a spreadsheet: neutralising would change data.
TO_CSV_ALLOWED = {"groupings.bulk"}
WRITER_ALLOWED = {
    "camhs_pbr.lib.copy_rows",  # the COPY buffer of the demo seed and the imports, likewise
    "imports.staging",  # an extract's rows re-written for COPY into its staging table (read by PostgreSQL only)
    "imports.sql_checks",  # the rows rows.py judged, as a COPY buffer into a staging table
}


def csv_writing_calls(source: str) -> list[str]:
    """The csv.writer / csv.DictWriter / DataFrame.to_csv calls of a module (also `from csv import writer`)."""
    tree = ast.parse(source)
    from_csv = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "csv"
        for alias in node.names
        if alias.name in WRITERS
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in WRITERS
            and getattr(func.value, "id", "") == "csv"
        ):
            found.append(f"csv.{func.attr}")
        elif isinstance(func, ast.Name) and func.id in from_csv:
            found.append(func.id)
        elif isinstance(func, ast.Attribute) and func.attr == "to_csv":
            found.append("to_csv")
    return found


def test_no_module_but_safe_csv_makes_a_csv_writer():
    offenders = {
        module: calls
        for module, path in project_modules().items()
        if module not in {"camhs_pbr.lib.safe_csv", *WRITER_ALLOWED}
        and (calls := [c for c in csv_writing_calls(path.read_text()) if c != "to_csv"])
    }
    assert offenders == {}


def test_no_module_writes_a_data_frame_to_csv_but_a_copy_into_postgresql():
    offenders = {
        module
        for module, path in project_modules().items()
        if "to_csv" in csv_writing_calls(path.read_text()) and module not in TO_CSV_ALLOWED
    }
    assert offenders == set()


def test_the_check_sees_each_way_of_making_a_writer():
    source = "import csv\nfrom csv import DictWriter as W\ncsv.writer(f)\nW(f, [])\nframe.to_csv(b)\n"
    assert csv_writing_calls(source) == ["csv.writer", "W", "to_csv"]
