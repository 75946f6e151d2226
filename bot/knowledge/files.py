"""Files of a knowledge folder, read and written the one careful way every part of StoryBot shares.

- `write_atomically` replaces a file so that a crash at any moment leaves the old file or the new
  one, never a mix: a hidden temporary file in the same folder, flushed and fsync'ed, renamed over
  the old one, and the folder fsync'ed.
- `folder_digest` says whether anything in a folder changed since it was last read.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "clear_temporaries", "folder_digest", "read_or_empty", "remove_durably", "write_atomically"]

# Hidden and not .yaml: the loader and anyone reading the folder skip a temporary file.
TEMP_SUFFIX = ".storybot-tmp"
NEW_FILE_MODE = 0o644  # a new knowledge file is readable by everyone, like a file a curator saves


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder to fsync it
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) so that a crash at any moment leaves the old file or the new one.

    A replaced file keeps its permissions; a new one gets `NEW_FILE_MODE`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else NEW_FILE_MODE
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def remove_durably(path: Path) -> None:
    """Remove a file (if it is there), and make the removal survive a crash."""
    with suppress(FileNotFoundError):
        path.unlink()
    _fsync_directory(path.parent)


def clear_temporaries(folder: Path) -> None:
    """Remove the temporary files a writer that died mid-write left in `folder` (call it holding the lock)."""
    for stale in folder.glob(f".*{TEMP_SUFFIX}"):
        with suppress(OSError):
            stale.unlink()


def read_or_empty(path: Path) -> str:
    """A file's UTF-8 text, or "" when it does not exist."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""


def _visible_files(directory: Path) -> Iterator[Path]:
    """Every file below `directory`, in a stable order, without hidden files and folders."""
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(directory).parts):
            yield path


def folder_digest(directory: Path) -> str | None:
    """A digest of every visible file below `directory` (names, lengths and bytes), or None when the
    folder cannot be read right now (missing, or a file being replaced): then read it in full."""
    if not directory.is_dir():
        return None
    digest = hashlib.sha256()
    try:
        for path in _visible_files(directory):
            data = path.read_bytes()
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()
