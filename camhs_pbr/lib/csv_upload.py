"""A small CSV file given whole (an upload or a file a command reads): checked for size and encoding, and its
header line read, each refusal in words for the person who made the file. The caller checks the header's
columns and each line, naming every bad one; refusals are raised as the caller's own exception (`refused`, which
takes the list of problems, usually a subclass of FileRefused), so each loader keeps its one type of refusal."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader

NOT_UTF8 = "The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8."


class FileRefused(ValueError):
    """A file that cannot be used: `problems` names each reason, with its line where it has one."""

    separator = "; "

    def __init__(self, problems: list[str]) -> None:
        super().__init__(self.separator.join(problems))
        self.problems = problems


def header_and_lines(
    content: bytes,
    *,
    max_bytes: int,
    too_large: str,
    empty: str,
    refused: Callable[[list[str]], Exception],
) -> tuple[list[str], Reader]:
    """The header line and a reader of the lines after it (line 2 on); a byte-order mark is dropped."""
    if len(content) > max_bytes:
        raise refused([too_large])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused([NOT_UTF8]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise refused([f"Line 1: {error}."]) from None
    if header is None:
        raise refused([empty])
    return header, reader
