"""Writing an output file so that a failed run never leaves a partial file behind.

The temporary file is `.{name}.{pid}-{random}.tmp` beside the output; a run killed before it could remove
its own leaves it behind, and the next run writing the same output sweeps it away.
"""

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

# A temporary file whose process is gone is swept at once; one older than this is swept whatever its pid
# says, since a pid may have been reused (or belong to another host sharing the directory).
STALE_AFTER_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^(?P<pid>\d+)-[0-9a-f]{8}$")


def temporary_path(out_path: Path) -> Path:
    """A fresh temporary path beside `out_path`, naming this process."""
    return out_path.with_name(f".{out_path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _process_is_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep_stale_temporaries(out_path: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files of earlier runs writing `out_path` that can no longer finish."""
    out_path = Path(out_path)
    prefix, suffix = f".{out_path.name}.", ".tmp"
    now = time.time() if now is None else now
    swept = []
    try:
        entries = list(os.scandir(out_path.parent))
    except OSError:
        return []
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)):
            continue
        match = _TOKEN.match(entry.name[len(prefix) : -len(suffix)])
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or (match and _process_is_gone(int(match["pid"]))):
                os.unlink(entry.path)
                swept.append(Path(entry.path))
        except FileNotFoundError:
            continue  # its own run finished or another sweep got there first
    return swept


@contextlib.contextmanager
def replaced_on_success(out_path: Path) -> Iterator[TextIO]:
    """A text file beside `out_path` (UTF-8, mode 0600) that replaces it only if the block completes."""
    out_path = Path(out_path)
    sweep_stale_temporaries(out_path)
    temporary = temporary_path(out_path)
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
    sweep_stale_temporaries(out_path)
    temporary = temporary_path(out_path)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as outfile:
            outfile.write(data)
        os.replace(temporary, out_path)
    finally:
        temporary.unlink(missing_ok=True)
