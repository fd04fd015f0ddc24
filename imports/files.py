"""The five files of an extract and the checks that refuse a whole extract before anything is written.

One folder or one zip per extract; UTF-8 without a byte order mark, a header row, comma-separated. The column
names are the national mental health dataset's data item names; the Current View's items are the columns the
batch grouper reads (p01 ... e50).
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

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


@dataclass(frozen=True)
class ExtractFile:
    """One file of an extract, checked whole but not held: its header and where to read it again (a path, or a
    member of a zip). `one_row_a_line`: no blank line and no carriage return alone, so every line after the
    header is one row (or, with quoted newlines, starts one)."""

    spec: FileSpec
    source: Path
    member: str | None
    header: tuple[str, ...]
    one_row_a_line: bool = True
    quoted: bool = True  # holds a quote character: a quoted cell may hold a newline

    def open(self) -> IO[bytes]:
        """The file's bytes, from the start."""
        if self.member is None:
            return open(self.source, "rb")
        with zipfile.ZipFile(self.source) as archive:
            return archive.open(self.member)  # the zip stays open until the member is closed

    @property
    def rows(self) -> Iterator[Row]:
        """The data rows, read as they are wanted."""
        with self.open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text)
            next(reader)
            try:
                yield from _rows(reader, list(self.header))
            except csv.Error as error:
                raise ExtractRefused(
                    f"{self.spec.name} line {reader.line_num} is not valid CSV: {error}"
                ) from error


def _members(path: Path) -> dict[str, tuple[Path, str | None]]:
    """Where each of the extract's files is: a folder's file, or a zip's member."""
    if path.is_dir():
        entries = [entry for entry in sorted(path.iterdir()) if not entry.name.startswith(".")]
        unexpected = [entry.name for entry in entries if entry.name not in FILE_NAMES or not entry.is_file()]
        if unexpected:
            raise ExtractRefused(_unexpected(unexpected, "the folder"))
        return {entry.name: (entry, None) for entry in entries}
    if not zipfile.is_zipfile(path):
        raise ExtractRefused("the extract is neither a folder nor a zip file")
    with zipfile.ZipFile(path) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = [info.filename for info in infos]
        unexpected = [name for name in names if name not in FILE_NAMES]
        if unexpected:
            raise ExtractRefused(_unexpected(unexpected, "the zip"))
        return {name: (path, name) for name in names}


def _unexpected(names: list[str], where: str) -> str:
    return (
        f"{where} holds {', '.join(repr(name) for name in names)}, which is not a file of an extract "
        f"(expected: {', '.join(FILE_NAMES)})"
    )


def read_extract(path: Path, *, full: bool = False) -> dict[str, ExtractFile]:
    """The files of the extract at `path`, each read through once and checked whole: ExtractRefused for a fault
    of the whole extract (a file or column missing or misspelt, wrong encoding, a BOM, a line over 64 KB, an
    empty file). A full extract holds every file but the optional ones. Nothing is held: the rows are read
    again when they are wanted."""
    members = _members(path)
    if not members:
        raise ExtractRefused(f"the extract holds none of its files ({', '.join(FILE_NAMES)})")
    if full:
        missing = [spec.name for spec in FILES if not spec.optional and spec.name not in members]
        if missing:
            raise ExtractRefused(f"a full extract holds every file: {', '.join(missing)} missing")
    return {spec.name: _read_file(spec, *members[spec.name]) for spec in FILES if spec.name in members}


CHUNK = 1 << 20


def _read_file(spec: FileSpec, source: Path, member: str | None) -> ExtractFile:
    name = spec.name
    unchecked = ExtractFile(spec, source, member, ())
    scan = _Scan(name)
    with unchecked.open() as raw:
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            scan.feed(chunk)
    scan.end()
    header_text = scan.first_line.decode("utf-8")
    try:
        header = [cell.strip() for cell in next(csv.reader([header_text]))]
    except (StopIteration, csv.Error):
        raise ExtractRefused(f"{name} is empty: expected a header row naming its columns") from None
    _check_header(spec, header)
    return ExtractFile(
        spec, source, member, tuple(header), one_row_a_line=scan.one_row_a_line, quoted=scan.quoted
    )


class _Scan:
    """The checks of a whole file, fed its bytes a block at a time (its lines found with numpy, its text decoded
    incrementally): a BOM, a line over 64 KB (before any encoding fault, as a reader of lines meets them), not
    UTF-8, empty; and whether every line is one row."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 0  # complete lines so far
        self.open_line = 0  # bytes of the line not yet ended
        self.first_line = b""
        self.head = b""
        self.content = False
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.not_utf8: int | None = None  # the first line that is not UTF-8
        self.last = b""
        self.one_row_a_line = True
        self.quoted = False

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < len(BOM):  # the file's first bytes, however small the blocks
            self.head = (self.head + chunk)[: len(BOM)]
            if self.head == BOM:
                raise ExtractRefused(
                    f"{self.name} starts with a byte order mark (BOM); save it as UTF-8 without a BOM"
                )
        self.content = self.content or bool(chunk.strip())
        if not self.first_line or not self.first_line.endswith(b"\n"):
            self.first_line += chunk[: chunk.find(b"\n") + 1] if b"\n" in chunk else chunk
        self._lengths(chunk)
        self._encoding(chunk)
        self._shape(chunk)
        self.quoted = self.quoted or b'"' in chunk

    def _lengths(self, chunk: bytes) -> None:
        ends = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        if len(ends):
            lengths = np.diff(ends, prepend=-1)
            lengths[0] += self.open_line
            over = np.flatnonzero(lengths > MAX_LINE_BYTES)
            if len(over):
                raise ExtractRefused(f"{self.name} line {self.lines + int(over[0]) + 1} is longer than 64 KB")
            self.lines += len(ends)
            self.open_line = len(chunk) - int(ends[-1]) - 1
        else:
            self.open_line += len(chunk)
        if self.open_line > MAX_LINE_BYTES:
            raise ExtractRefused(f"{self.name} line {self.lines + 1} is longer than 64 KB")

    def _encoding(self, chunk: bytes) -> None:
        if self.not_utf8 is not None:
            return
        held = len(self.decoder.getstate()[0])
        try:
            self.decoder.decode(chunk)
        except UnicodeDecodeError as error:
            before = chunk[: max(error.start - held, 0)]
            self.not_utf8 = self.lines - chunk.count(b"\n") + before.count(b"\n") + 1

    def _shape(self, chunk: bytes) -> None:
        # A blank line, a carriage return alone, or a line of just \. (which ends PostgreSQL's COPY FROM STDIN).
        joined = self.last + chunk
        if re.search(_NOT_ONE_ROW_A_LINE, joined[:-1] if joined.endswith(b"\r") else joined):
            self.one_row_a_line = False
        self.last = joined[-4:]

    def end(self) -> None:
        if self.not_utf8 is None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.not_utf8 = self.lines + 1
        if self.not_utf8 is not None:
            raise ExtractRefused(
                f"{self.name} line {self.not_utf8} is not UTF-8 text; save the file as UTF-8"
            )
        if not self.content:
            raise ExtractRefused(f"{self.name} is empty: expected a header row naming its columns")
        if self.last.endswith((b"\r", b"\n\\.")):
            self.one_row_a_line = False


_NOT_ONE_ROW_A_LINE = re.compile(rb"\n\r?\n|\r(?!\n)|\n\\\.\r?\n")


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
