"""Files of a knowledge folder, read and written the one careful way every part of StoryBot shares.

Reading trusts nothing: anyone who can drop a file into the folder can name any path in a `text_file`,
or leave a symbolic link, a named pipe or a device where a knowledge file is expected. So every read
goes through `read_inside`: the path must resolve (links followed) inside the knowledge folder; only a
regular file is opened, without blocking (a named pipe with no writer would otherwise hang the reader
for ever) and without following a link swapped in since; its size is checked on the open file before
anything is read, and the read itself stops past the limit (a file that grows, or one that does not
know its size, cannot run the reader out of memory). Refusals are `Unreadable`, whose reason names the
kind of file and never anything read from it.

Writing is atomic: `write_atomically` replaces a file so that a crash at any moment leaves the old file
or the new one, never a mix (a hidden temporary file in the same folder, flushed and fsync'ed, renamed
over the old one, and the folder fsync'ed); `atomic_writer` does the same for content written piece by
piece. `folder_digest` says whether anything in a folder changed since it was last read, reading each
file the safe way.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

MAX_FILE_BYTES = 256 * 1024 * 1024  # far above any real knowledge file; refuses runaway input
_CHUNK = 1024 * 1024  # read past the reported size in steps of this much (files that grow, /proc files)
# Open without blocking (a FIFO), without following a link at the last step (a swap after resolving),
# and without leaking the descriptor to child processes; flags missing on a platform count as none.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class Unreadable(Exception):
    """A file the loader will not read; `reason` says why, in words a curator can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def real_path(path: Path) -> Path:
    """Where `path` leads with every link followed, as far as it can be followed; never raises.

    A loop or a missing file leaves the rest of the path as written (unlike `Path.resolve`, which
    raises on a loop before Python 3.13).
    """
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):  # a NUL in the path
        return Path(os.path.abspath(path))


def _kind(mode: int) -> str | None:
    """What a file is, when it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def inside(path: Path, root: Path) -> Path:
    """The real path of `path` when it exists and it, and every link on the way, stay inside `root`.

    Raises `Unreadable` otherwise: a path or link leading out of the folder, a link loop, a missing file.
    """
    real_root = real_path(root)
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python before 3.13 reports a link loop this way
        raise Unreadable("it is a loop of symbolic links") from None
    except ValueError:
        raise Unreadable("the path has a NUL character in it") from None
    except FileNotFoundError:
        # A link pointing outside must not tell whether its target exists.
        if not real_path(path).is_relative_to(real_root):
            raise Unreadable("it is outside the knowledge folder") from None
        raise Unreadable("no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable("it is a loop of symbolic links") from None
        raise Unreadable(exc.strerror or "it cannot be opened") from None
    if not real.is_relative_to(real_root):
        raise Unreadable("it is outside the knowledge folder")
    return real


def read_inside(path: Path, root: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file inside `root`, at most `limit` (`MAX_FILE_BYTES`), or `Unreadable` saying why not."""
    limit = MAX_FILE_BYTES if limit is None else limit
    real = inside(path, root)
    try:
        kind = _kind(os.lstat(real).st_mode)  # before opening: opening a device can itself do things
        if kind is not None:
            raise Unreadable(f"it is {kind}, not a regular file")
        descriptor = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link swapped in after resolving
            raise Unreadable("it became a symbolic link while being read") from None
        raise Unreadable(exc.strerror or "it cannot be opened") from None
    try:
        info = os.fstat(descriptor)  # the file actually opened, whatever the path leads to now
        kind = _kind(info.st_mode)
        if kind is not None:
            raise Unreadable(f"it is {kind}, not a regular file")
        if info.st_size > limit:
            raise Unreadable(_too_large(limit))
        return _read_bounded(descriptor, info.st_size, limit)
    except OSError as exc:
        raise Unreadable(exc.strerror or "it cannot be read") from None
    finally:
        os.close(descriptor)


def _read_bounded(descriptor: int, expected: int, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    want = min(expected, limit) + 1  # one read for the usual file, whose size is right
    while total <= limit:
        chunk = os.read(descriptor, min(want, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = _CHUNK
    if total > limit:
        raise Unreadable(_too_large(limit))
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _too_large(limit: int) -> str:
    size = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit:,} bytes"
    return f"it is larger than {size}; split it into several files"


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


def write_atomically(path: Path, content: str | bytes) -> None:
    """Replace `path` with `content` (text is written as UTF-8) so that a crash at any moment leaves the old
    file or the new one. A replaced file keeps its permissions; a new one gets `NEW_FILE_MODE` less the
    user's umask, as any file they save."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_writer(path) as handle:
        handle.write(data)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """`write_atomically` for content written piece by piece (a large pickle): write to the handle given;
    `path` is replaced when the block ends, and left as it was if the block raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else NEW_FILE_MODE & ~_umask()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # mkstemp creates files only the owner can read
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it; set it straight back
    os.umask(mask)
    return mask


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
            try:
                data = read_inside(path, directory)
            except Unreadable as refused:  # a link out, a pipe, a device: its reason stands in for its bytes
                data = refused.reason.encode()
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()
