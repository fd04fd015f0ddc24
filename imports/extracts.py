"""Where extracts wait for a worker: an uploaded extract is kept under IMPORT_UPLOAD_DIR; each is named by the
SHA-256 of its bytes (the same extract asked for twice while it runs is one run)."""

import hashlib
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from imports.files import FILE_NAMES


def fingerprint(path: Path) -> str:
    """SHA-256 of an extract: a zip's bytes, or a folder's files' names and bytes in name order."""
    digest = hashlib.sha256()
    files = [entry for entry in sorted(path.iterdir()) if entry.is_file()] if path.is_dir() else [path]
    for entry in files:
        if path.is_dir():
            digest.update(entry.name.encode() + b"\0")
        with open(entry, "rb") as source:  # a block at a time: a national extract's contacts are 600 MB
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def keep_upload(files: Iterable[UploadedFile]) -> tuple[Path, str]:
    """Save uploaded files (one zip, or the extract's CSV files) where the workers read them: (path, name)."""
    files = list(files)
    names = [Path(upload.name or "extract.zip").name for upload in files]
    base = Path(settings.IMPORT_UPLOAD_DIR)
    base.mkdir(parents=True, exist_ok=True)
    target = base / uuid.uuid4().hex
    if len(files) == 1 and not names[0].lower().endswith(".csv"):
        target = target.with_suffix(".zip")
        with open(target, "wb") as out:
            for chunk in files[0].chunks():
                out.write(chunk)
        return target, names[0]
    target.mkdir()
    for upload, name in zip(files, names, strict=True):
        with open(target / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return target, ", ".join(sorted(names))


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


__all__ = ["FILE_NAMES", "fingerprint", "keep_upload", "remove"]
