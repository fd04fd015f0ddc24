"""Writing an output file so that a failed run never leaves a partial file behind."""

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def replaced_on_success(out_path: Path) -> Iterator[TextIO]:
    """A text file beside `out_path` (UTF-8, mode 0600) that replaces it only if the block completes."""
    out_path = Path(out_path)
    temporary = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as outfile:
            yield outfile
        os.replace(temporary, out_path)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes_atomically(out_path: Path, data: bytes) -> None:
    """Write `data` to `out_path` (mode 0600) so that a failure never leaves a partial file behind."""
    out_path = Path(out_path)
    temporary = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as outfile:
            outfile.write(data)
        os.replace(temporary, out_path)
    finally:
        temporary.unlink(missing_ok=True)
