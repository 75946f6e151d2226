"""The engine's code as this process runs it, as one digest: an engine built by other code is never reused.

The code is answering's and the knowledge model's (which loads and validates what an engine is built from).
Part of the engine cache's key (`cache.content_key`), and what an engine records of the code that built it, so
that a rebuild reuses the parts of an earlier engine only when the same code made them (`rebuild`), and a load
trusts what an earlier one proved only when the same code proved it (`loader.validate_knowledge`'s `previous`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from functools import cache
from itertools import chain
from pathlib import Path

CACHE_VERSION = b"storybot-engine-4"  # bump when the cache's own layout changes
# The code that decides what an engine holds: answering, and the knowledge model it is built from.
_ENGINE_CODE = (Path(__file__).parent, Path(__file__).parents[1] / "knowledge")


def _files(directory: Path, pattern: str) -> Iterator[bytes]:
    """Name, length and bytes of each of the engine's own files, in a stable order."""
    for path in sorted(p for p in directory.rglob(pattern) if p.is_file()):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        data = path.read_bytes()
        yield str(relative).encode()
        yield len(data).to_bytes(8, "big")
        yield data


@cache
def code_digest() -> bytes:
    """The engine's code as it is in this process (read once: code does not change under a process)."""
    digest = hashlib.sha256(CACHE_VERSION)
    digest.update(sys.version.encode())
    for folder in _ENGINE_CODE:
        digest.update(folder.name.encode())
        for chunk in chain(_files(folder, "*.py"), _files(folder, "*.yaml")):  # general English (english/) is code too
            digest.update(chunk)
    return digest.digest()
