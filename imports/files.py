"""The five files of an extract and the checks that refuse a whole extract before anything is written.

One folder or one zip per extract; UTF-8 without a byte order mark, a header row, comma-separated. The column
names are the national mental health dataset's data item names; the Current View's items are the columns the
batch grouper reads (p01 ... e50).
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessments.current_view_items import ALL_ITEMS

MAX_LINE_BYTES = 64 * 1024
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FileSpec:
    """One file of an extract: its name, its columns (in any order), its key column, whether it may be left out."""

    name: str
    columns: tuple[str, ...]
    key: str
    optional: bool = False


PATIENTS = FileSpec(
    "patients.csv",
    (
        "LocalPatientId",
        "NHSNumber",
        "PersonBirthDate",
        "Gender",
        "EthnicCategory",
        "Postcode",
        "GivenName",
        "FamilyName",
    ),
    "LocalPatientId",
)
STAFF = FileSpec(
    "staff.csv",
    ("CareProfLocalId", "GivenName", "FamilyName", "ProfessionCode", "TeamCode"),
    "CareProfLocalId",
)
REFERRALS = FileSpec(
    "referrals.csv",
    (
        "ServiceRequestId",
        "LocalPatientId",
        "TeamCode",
        "OrgIDComm",
        "ReferralRequestReceivedDate",
        "SourceOfReferral",
        "AcceptedDate",
        "ServDischDate",
        "DischargeReason",
    ),
    "ServiceRequestId",
)
CONTACTS = FileSpec(
    "contacts.csv",
    (
        "CareContactId",
        "ServiceRequestId",
        "CareContDate",
        "CareContTime",
        "ClinContDurOfCareCont",
        "AttendOrDNACode",
        "ConsMechanismMH",
        "CareProfLocalId",
    ),
    "CareContactId",
)
CURRENT_VIEWS = FileSpec(
    "current_views.csv",
    ("AssessmentId", "ServiceRequestId", "CompletedDate", "CareProfLocalId", *ALL_ITEMS),
    "AssessmentId",
    optional=True,
)
# In the order they load: what a row refers to loads before it.
FILES: tuple[FileSpec, ...] = (PATIENTS, STAFF, REFERRALS, CONTACTS, CURRENT_VIEWS)
FILE_NAMES = tuple(spec.name for spec in FILES)


class ExtractRefused(ValueError):
    """The whole extract is refused before any write; the message says why, in words."""


@dataclass(frozen=True)
class Row:
    """A data row: its line (the header is line 1) and its cells by column name; `cells` is None for a row
    whose number of cells differs from the header's (`shape` then says so)."""

    line: int
    cells: dict[str, str] | None
    shape: str = ""


@dataclass
class ExtractFile:
    spec: FileSpec
    rows: list[Row] = field(default_factory=list)


def _members(path: Path) -> dict[str, bytes]:
    """The extract's files by name, read whole (a zip's members, or a folder's files)."""
    if path.is_dir():
        entries = [entry for entry in sorted(path.iterdir()) if not entry.name.startswith(".")]
        unexpected = [entry.name for entry in entries if entry.name not in FILE_NAMES or not entry.is_file()]
        if unexpected:
            raise ExtractRefused(_unexpected(unexpected, "the folder"))
        return {entry.name: entry.read_bytes() for entry in entries}
    if not zipfile.is_zipfile(path):
        raise ExtractRefused("the extract is neither a folder nor a zip file")
    with zipfile.ZipFile(path) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = [info.filename for info in infos]
        unexpected = [name for name in names if name not in FILE_NAMES]
        if unexpected:
            raise ExtractRefused(_unexpected(unexpected, "the zip"))
        return {info.filename: archive.read(info) for info in infos}


def _unexpected(names: list[str], where: str) -> str:
    return (
        f"{where} holds {', '.join(repr(name) for name in names)}, which is not a file of an extract "
        f"(expected: {', '.join(FILE_NAMES)})"
    )


def read_extract(path: Path, *, full: bool = False) -> dict[str, ExtractFile]:
    """The files of the extract at `path`, each row with its line; ExtractRefused for a fault of the whole
    extract (a file or column missing or misspelt, wrong encoding, a BOM, a line over 64 KB, an empty file).
    A full extract holds every file but the optional ones."""
    members = _members(path)
    if not members:
        raise ExtractRefused(f"the extract holds none of its files ({', '.join(FILE_NAMES)})")
    if full:
        missing = [spec.name for spec in FILES if not spec.optional and spec.name not in members]
        if missing:
            raise ExtractRefused(f"a full extract holds every file: {', '.join(missing)} missing")
    return {spec.name: _read_file(spec, members[spec.name]) for spec in FILES if spec.name in members}


def _read_file(spec: FileSpec, data: bytes) -> ExtractFile:
    name = spec.name
    if not data.strip():
        raise ExtractRefused(f"{name} is empty: expected a header row naming its columns")
    if data.startswith(BOM):
        raise ExtractRefused(f"{name} starts with a byte order mark (BOM); save it as UTF-8 without a BOM")
    for number, line in enumerate(io.BytesIO(data), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise ExtractRefused(f"{name} line {number} is longer than 64 KB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = data[: error.start].count(b"\n") + 1
        raise ExtractRefused(f"{name} line {bad_line} is not UTF-8 text; save the file as UTF-8") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise ExtractRefused(f"{name} is empty: expected a header row naming its columns") from None
    _check_header(spec, header)
    extract = ExtractFile(spec)
    try:
        extract.rows.extend(_rows(reader, header))
    except csv.Error as error:
        raise ExtractRefused(f"{name} line {reader.line_num} is not valid CSV: {error}") from error
    return extract


def _check_header(spec: FileSpec, header: list[str]) -> None:
    twice = sorted({column for column in header if header.count(column) > 1})
    missing = [column for column in spec.columns if column not in header]
    unknown = [column for column in header if column not in spec.columns]
    faults = []
    if missing:
        faults.append(f"column{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing")
    if unknown:
        faults.append(f"{', '.join(repr(c) for c in unknown)} not a column of this file")
    if twice:
        faults.append(f"{', '.join(twice)} named twice")
    if faults:
        raise ExtractRefused(f"{spec.name}: {'; '.join(faults)} (its columns: {', '.join(spec.columns)})")


def _rows(reader: Any, header: list[str]) -> Iterator[Row]:
    width = len(header)
    line = reader.line_num + 1
    for cells in reader:
        if not cells:  # a blank line
            line = reader.line_num + 1
            continue
        if len(cells) != width:
            yield Row(line, None, f"the row has {len(cells)} cells, the header has {width}")
        else:
            yield Row(line, dict(zip(header, cells, strict=True)))
        line = reader.line_num + 1
