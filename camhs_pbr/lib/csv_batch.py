"""One way to run a batch over a CSV file: read it in chunks, add result columns to every row, write it out.

A command describes only what differs (`CsvBatch`): the columns it needs, how it decodes a chunk of their
cells and how it computes the result columns of a chunk. The output is byte for byte what Python's
csv.writer writes for the input's cells plus the results, every cell neutralised as `safe_csv` does (a cell a
spreadsheet would run as a formula gets a leading quote, SPEC §7): lines without quotes or such cells go
through a fast path (their text is kept as it is, their cells are split by pyarrow), other records through
csv.reader and `safe_csv.writer`.
"""

import codecs
import csv
import io
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np

from camhs_pbr.lib import safe_csv
from camhs_pbr.lib.files import replaced_on_success

# pyarrow is imported where a batch runs: the modules that declare batches are loaded by every process.
if TYPE_CHECKING:
    import pyarrow as pa

BAD_CODE = -2
_ODD = ('"', "\r", "\x00")
_FORMULA_CHARS = tuple(char for char in safe_csv.FORMULA_STARTS if char not in _ODD)
_FORMULA_CELL_STARTS = tuple("," + char for char in _FORMULA_CHARS)


class BatchInputError(ValueError):
    """The file cannot be processed at all (empty, bad header, unreadable CSV)."""


@dataclass(frozen=True)
class BatchSummary:
    """Data rows read and written, and how many of them are error rows."""

    rows: int
    errors: int


@dataclass(frozen=True)
class Decoded:
    """A chunk's codes, in whatever shape the batch computes on, and the messages of its bad rows."""

    codes: np.ndarray
    errors: dict[int, list[str]]


class CsvBatch(ABC):
    """What one batch command adds to the shared reading, error handling and writing."""

    result_columns: tuple[str, ...]  # added after the input's columns; the last one holds the error text
    empty_message: str
    skip_blank_lines: bool  # False: a blank line is a row of no cells, hence a misshapen row

    @abstractmethod
    def needed_columns(self, header: list[str]) -> list[int]:
        """Positions of the columns to decode; raises BatchInputError for a header it cannot use."""

    @abstractmethod
    def misshapen(self, cells: int, width: int) -> str:
        """The error text of a row with `cells` cells under a header of `width`."""

    @abstractmethod
    def decode(self, columns: "list[pa.Array]") -> Decoded:
        """Codes of a chunk from its needed columns' cells (string arrays, one per needed column)."""

    @abstractmethod
    def compute(self, codes: np.ndarray) -> list[Sequence[str]]:
        """The result cells of a chunk, column by column, every result column but the error text."""


def decode_cells(column: "pa.Array", code_of: Callable[[str], int]) -> np.ndarray:
    """int8 codes of a column of cells, calling code_of once per distinct cell (BAD_CODE for a bad one)."""
    encoded = column.dictionary_encode()
    table = np.fromiter(map(code_of, encoded.dictionary.to_pylist()), dtype=np.int8)
    return table[encoded.indices.to_numpy(zero_copy_only=False)]


def run_batch(batch: CsvBatch, infile: Iterable[str], outfile: TextIO, chunk_rows: int) -> BatchSummary:
    """Write every row of `infile` to `outfile` with the batch's result columns, chunk_rows at a time.

    Raises BatchInputError before writing anything if the file is empty or its header is refused."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    records = _Records(infile)
    first = records.read(1)
    if not first:
        raise BatchInputError(batch.empty_message)
    header = _cells(first[0])
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    positions = batch.needed_columns(header)
    safe_csv.writer(outfile).writerow([*header, *batch.result_columns])
    chunk_writer = _ChunkWriter(batch, len(header), positions)
    rows = errors = 0
    while chunk := records.read(chunk_rows):
        if batch.skip_blank_lines:
            chunk = [record for record in chunk if record]
        text, chunk_errors = chunk_writer.write(chunk)
        outfile.write(text)
        rows += len(chunk)
        errors += chunk_errors
    return BatchSummary(rows=rows, errors=errors)


def run_batch_file(batch: CsvBatch, in_path: Path, out_path: Path, chunk_rows: int) -> BatchSummary:
    """run_batch from a UTF-8 file into a temporary file beside out_path, renamed over it only on success.

    Raises BatchInputError for an input that is not a regular file (a device or a pipe could hang the
    run) and for one that is not UTF-8, naming its first undecodable line."""
    if not stat.S_ISREG(os.stat(in_path).st_mode):
        raise BatchInputError("is not a regular file")
    try:
        with open(in_path, encoding="utf-8-sig", newline="") as infile, replaced_on_success(out_path) as out:
            return run_batch(batch, infile, out, chunk_rows)
    except UnicodeDecodeError as error:
        line = _first_undecodable_line(in_path)
        raise BatchInputError(
            f"line {line} is not UTF-8 text ({error.reason}); save the file as UTF-8"
        ) from error


def _first_undecodable_line(in_path: Path) -> int:
    """The number of the first line (as the csv module counts them) that is not UTF-8; only on errors."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    number = 0
    with open(in_path, "rb") as infile:
        for number, line in enumerate(infile, start=1):  # noqa: B007 - the last number is the answer
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return max(number, 1)  # a character cut short at the end of the file


Record = str | list[str]  # a line without quotes (its text), or the cells csv.reader made of a record


def _cells(record: Record) -> list[str]:
    if isinstance(record, list):
        return record
    return record.split(",") if record else []


class _Feed:
    """Lines for csv.reader: the chunk's from `next` on, then the file's; counts the lines it hands out."""

    def __init__(self, lines: list[str], more: Iterator[str]) -> None:
        self.lines, self.more, self.next, self.extra = lines, more, 0, 0

    def __iter__(self) -> "_Feed":
        return self

    def __next__(self) -> str:
        if self.next < len(self.lines):
            self.next += 1
            return self.lines[self.next - 1]
        line = next(self.more)
        self.extra += 1
        return line


class _Records:
    """The input's records, read a chunk of lines at a time; only lines with quotes go through csv.reader."""

    def __init__(self, infile: Iterable[str]) -> None:
        self.lines: Iterator[str] = iter(infile)
        self.line_num = 0
        self.limit = csv.field_size_limit()

    def read(self, size: int) -> list[Record]:
        lines = list(islice(self.lines, size))
        bodies = list(map(str.rstrip, lines, repeat("\r\n")))
        text = "".join(bodies)
        formulas = any(char in text for char in _FORMULA_CHARS)
        if (
            not any(char in text for char in _ODD)
            and max(map(len, bodies), default=0) <= self.limit
            and not (formulas and any(map(_has_formula_cell, bodies)))
        ):
            self.line_num += len(lines)
            return list(bodies)
        odd = [
            n
            for n, body in enumerate(bodies)
            if len(body) > self.limit
            or any(c in body for c in _ODD)
            or (formulas and _has_formula_cell(body))
        ]
        feed = _Feed(lines, self.lines)
        reader = csv.reader(feed)
        records: list[Record] = []
        for n in odd:
            if n < feed.next:
                continue  # a line of the quoted record before it
            records.extend(bodies[feed.next : n])
            feed.next = n
            try:
                records.append(next(reader))
            except csv.Error as error:
                line = self.line_num + feed.next + feed.extra
                raise BatchInputError(f"line {line} is not valid CSV: {error}") from error
        records.extend(bodies[feed.next :])
        self.line_num += len(lines) + feed.extra
        return records


def _has_formula_cell(body: str) -> bool:
    """A line without quotes with a cell that safe_csv would neutralise: it goes through csv.reader/writer."""
    return body.startswith(_FORMULA_CHARS) or any(start in body for start in _FORMULA_CELL_STARTS)


def _quoted(cell: str) -> str:
    cell = str(safe_csv.neutralise(cell))
    if "," in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _quoted_column(cells: Sequence[str]) -> Sequence[str]:
    distinct = set(cells)
    if all(_quoted(cell) is cell for cell in distinct):
        return cells
    quoted = {cell: _quoted(cell) for cell in distinct}
    return list(map(quoted.__getitem__, cells))


class _ChunkWriter:
    """Turns a chunk of records into output text: well-shaped rows get results, others an error text."""

    def __init__(self, batch: CsvBatch, width: int, positions: list[int]) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        self.batch, self.width, self.positions = batch, width, positions
        self.names = [str(n) for n in range(width)]
        self.parse = pacsv.ParseOptions(
            quote_char=False,
            double_quote=False,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
        )
        self.convert = pacsv.ConvertOptions(
            include_columns=[self.names[p] for p in positions],
            column_types={self.names[p]: pa.string() for p in positions},
            strings_can_be_null=False,
        )
        self.buffer = io.StringIO()
        self.writer = safe_csv.writer(self.buffer)

    def write(self, records: list[Record]) -> tuple[str, int]:
        """The output text of a chunk and its number of error rows."""
        well_plain = self._well_plain(records)
        if len(well_plain) == len(records):
            well = well_plain
        else:
            well = [n for n, record in enumerate(records) if self._well_shaped(record)]
        decoded = self.batch.decode(self._needed_cells(records, well, well_plain))
        results = self.batch.compute(decoded.codes)
        errors = len(records) - len(well) + len(decoded.errors)
        if len(well_plain) == len(records):
            return self._plain_text(records, results, decoded.errors), errors  # type: ignore[arg-type]
        return self._mixed_text(records, well, results, decoded.errors), errors

    def _well_plain(self, records: list[Record]) -> list[int]:
        plain = [n for n, record in enumerate(records) if type(record) is str]
        bodies = records if len(plain) == len(records) else [records[n] for n in plain]
        commas = np.fromiter(map(str.count, bodies, repeat(",")), np.int64, len(bodies))  # type: ignore[arg-type]
        well = np.flatnonzero(commas == self.width - 1).tolist()
        return [plain[n] for n in well if records[plain[n]] != ""]

    def _well_shaped(self, record: Record) -> bool:
        if isinstance(record, list):
            return len(record) == self.width
        return record != "" and record.count(",") == self.width - 1

    def _needed_cells(
        self, records: list[Record], well: list[int], well_plain: list[int]
    ) -> "list[pa.Array]":
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if well_plain:
            text = "\n".join([records[n] for n in well_plain]).encode()  # type: ignore[misc]
            table = pacsv.read_csv(
                pa.py_buffer(text),
                read_options=pacsv.ReadOptions(column_names=self.names),
                parse_options=self.parse,
                convert_options=self.convert,
            )
            plain_columns = [table.column(self.names[p]).combine_chunks() for p in self.positions]
        else:
            plain_columns = [pa.array([], pa.string()) for _ in self.positions]
        if len(well_plain) == len(well):
            return plain_columns
        parsed = [n for n in well if isinstance(records[n], list)]
        # well, well_plain and parsed are in the records' order: sorting their numbers puts the rows back.
        order = np.argsort(np.array(well_plain + parsed, dtype=np.int64), kind="stable")
        parsed_columns = list(zip(*[records[n] for n in parsed], strict=True))  # one per column of the file
        return [
            pa.concat_arrays([column, pa.array(parsed_columns[p], pa.string())]).take(order)
            for column, p in zip(plain_columns, self.positions, strict=True)
        ]

    def _suffixes(self, results: list[Sequence[str]], errors: dict[int, list[str]], rows: int) -> list[str]:
        quoted = [_quoted_column(column) for column in results]
        suffixes = list(map(",".join, zip(*quoted, [""] * rows, strict=True)))
        blanks = "," * (len(self.batch.result_columns) - 1)
        for n, messages in errors.items():
            suffixes[n] = blanks + _quoted("; ".join(messages))
        return suffixes

    def _plain_text(
        self, bodies: list[str], results: list[Sequence[str]], errors: dict[int, list[str]]
    ) -> str:
        suffixes = self._suffixes(results, errors, len(bodies))
        return "".join(map("{},{}\r\n".format, bodies, suffixes))

    def _mixed_text(
        self,
        records: list[Record],
        well: list[int],
        results: list[Sequence[str]],
        errors: dict[int, list[str]],
    ) -> str:
        suffixes = self._suffixes(results, errors, len(well))
        row_of = {n: k for k, n in enumerate(well)}
        blanks = [""] * (len(self.batch.result_columns) - 1)
        parts = []
        for n, record in enumerate(records):
            k = row_of.get(n)
            if k is not None and isinstance(record, str):
                parts.append(f"{record},{suffixes[k]}\r\n")
            elif k is not None:
                if k in errors:
                    cells = [*blanks, "; ".join(errors[k])]
                else:
                    cells = [*(column[k] for column in results), ""]
                parts.append(self._row_text([*record, *cells]))
            else:
                cells = _cells(record)
                padded = (cells + [""] * self.width)[: self.width]
                parts.append(self._row_text([*padded, *blanks, self.batch.misshapen(len(cells), self.width)]))
        return "".join(parts)

    def _row_text(self, cells: list[str]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.buffer.getvalue()
