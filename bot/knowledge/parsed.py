"""Parsed knowledge files kept between reloads: a file whose exact bytes were parsed before is not parsed again.

Parsing the YAML is most of a large reload (a 100,000-entry base: 13.7 s of a 25.8 s reload with the C parser,
the rest validation and the engine's index), and an edit changes one file of dozens. So a reload keeps each
file's plain data, pickled, in the data directory under the SHA-256 of its bytes; the next one unpickles what it
finds (about 14 times faster than parsing the same file) and parses only what changed. Everything is still
validated: only the parse is skipped, and only for bytes parsed before by this parser (the parser's code and
PyYAML's version are part of every name). Each file is written atomically; after a load, the files no longer
read are removed, so the folder holds one knowledge base's files. The data directory is StoryBot's own, written
only by it, which is what makes unpickling it safe (as for the engine cache).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from bot.knowledge.files import atomic_writer

log = logging.getLogger(__name__)

FORMAT = b"storybot-parsed-1"  # bump when what is stored changes
SUFFIX = ".parsed"
_PARSER = Path(__file__).with_name("yaml_positions.py")  # the code that turns bytes into plain data


@cache
def _parser_digest() -> bytes:
    import yaml  # the library under the parser: a new release may read the same bytes otherwise

    digest = hashlib.sha256(FORMAT)
    digest.update(_PARSER.read_bytes())
    digest.update(yaml.__version__.encode())
    return digest.digest()


class ParsedFiles:
    """One knowledge folder's parsed files in `folder` (made when first written)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # the names this load read or wrote
        self.hits = 0  # files not parsed again, for a log line or a test

    def _name(self, digest: bytes) -> str:
        return hashlib.sha256(_parser_digest() + digest).hexdigest() + SUFFIX

    def get(self, digest: bytes) -> tuple[bool, Any]:
        """(True, the plain data) of the file whose bytes have this SHA-256, or (False, None) when not kept."""
        name = self._name(digest)
        self.used.add(name)
        try:
            data = pickle.loads((self.folder / name).read_bytes())  # noqa: S301 - our own data directory
        except FileNotFoundError:
            return False, None
        except Exception as exc:  # whatever is wrong with a kept file, parsing the YAML again mends it
            log.warning("ignoring an unreadable parsed file %s: %s", name, exc)
            return False, None
        self.hits += 1
        return True, data

    def put(self, digest: bytes, data: Any) -> None:
        """Keep a file's plain data; a failure to write only costs the next reload a parse."""
        try:
            with atomic_writer(self.folder / self._name(digest)) as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError, RecursionError) as exc:
            log.warning("could not keep a parsed file in %s: %s", self.folder, exc)

    def prune(self) -> None:
        """Remove the kept files this load did not read: an edited file's older bytes, a removed file."""
        try:
            for old in self.folder.glob(f"*{SUFFIX}"):
                if old.name not in self.used:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # only disk space kept a little longer
