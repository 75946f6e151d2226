"""The first stage of answering on tantivy: candidate docs for a question's analysed terms, by BM25.

A doc is one phrasing (or one entry's keywords, or the rest of its text) as the engine analysed it:
its terms, with stems and synonyms already folded and every name as one `@speaker` term, given as one
whitespace-separated text. The terms are indexed as they are, by tantivy's `whitespace` tokenizer (no
lowercasing, no stemming),
so the engine's own analysis decides what matches and tantivy keeps the postings and scores them.

An engine with a data directory keeps its index there, in a directory named by a key: the knowledge
files' content and the engine's version (`index_key`). A warm start opens it in milliseconds: the files
are memory-mapped, not read. A build writes into a temporary sibling and renames it into place, so a
reader never sees half an index, and two processes building the same key at once both end with a whole
one. An engine without one (tests, an engine built in-process) keeps its index in memory.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import tantivy

log = logging.getLogger(__name__)

# (doc id, the doc's analysed terms as one text, separated by whitespace): a term never holds any.
Docs = Iterable[tuple[int, str]]

LAYOUT = "storybot-retrieval-1"  # bump when the schema or what a doc holds changes
TERMS_FIELD = "terms"
ID_FIELD = "doc"
# The writer's memory before it flushes a segment. 64 MB holds the postings of a 100,000-entry base
# (about 480,000 docs) in one segment, and keeps a build's peak memory well under the engine's.
WRITER_HEAP_BYTES = 64_000_000
# One writer thread: the machines StoryBot runs on have few cores and answer questions meanwhile.
WRITER_THREADS = 1


def index_key(content: str) -> str:
    """The name of the index of a knowledge directory whose content key (its files' bytes and the engine's
    code: `cache.content_key`) is `content`, with this layout and tantivy's version, so that any change to
    what the index would hold gives another name."""
    digest = hashlib.sha256(f"{LAYOUT}\0{version('tantivy')}\0{content}".encode())
    return digest.hexdigest()[:32]


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # Term frequencies for BM25, no positions: the first stage never asks for phrases.
    builder.add_text_field(TERMS_FIELD, tokenizer_name="whitespace", index_option="freq")
    builder.add_unsigned_field(ID_FIELD, fast=True)  # hits carry the caller's doc id, read without the store
    return builder.build()


class RetrievalIndex:
    """An opened index: `search` from any thread; nothing is ever written to it after its build."""

    def __init__(self, index: tantivy.Index, path: Path | None) -> None:
        self.path = path  # None: in memory
        self._schema = index.schema
        self._searcher = index.searcher()
        self.doc_count = int(self._searcher.num_docs)

    def doc_freq(self, term: str) -> int:
        """How many docs hold a term."""
        return int(self._searcher.doc_freq(TERMS_FIELD, term))

    @classmethod
    def open(cls, path: Path) -> RetrievalIndex:
        return cls(tantivy.Index.open(str(path)), path)

    @classmethod
    def in_memory(cls, docs: Docs) -> RetrievalIndex:
        """Index docs in memory: for an engine with no data directory."""
        index = tantivy.Index(_schema())
        _write(index, docs)
        index.reload()  # a searcher sees the commit only once the index has reloaded
        return cls(index, None)

    @classmethod
    def build(cls, path: Path, docs: Docs) -> RetrievalIndex:
        """Index docs into a new directory `path`, which must not exist yet."""
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
        try:
            _write(tantivy.Index(_schema(), path=str(scratch)), docs)
            try:
                scratch.rename(path)
            except OSError:  # built meanwhile by another process: theirs is the same index
                if not (path / "meta.json").is_file():
                    raise
                shutil.rmtree(scratch, ignore_errors=True)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return cls.open(path)

    @classmethod
    def open_or_build(cls, root: Path, key: str, docs: Callable[[], Docs]) -> tuple[RetrievalIndex, bool]:
        """The index named `key` under `root`, built from `docs()` when there is none yet.

        Returns the index and whether it was there already (warm). After a build, the indexes of other
        keys under `root` are removed: one knowledge base, one index.
        """
        path = root / key
        if (path / "meta.json").is_file():
            try:
                return cls.open(path), True
            except ValueError as exc:  # a damaged index is rebuilt, never trusted
                log.warning("rebuilding an unreadable retrieval index %s: %s", path, exc)
                _discard(path)
        built = cls.build(path, docs())
        for old in root.iterdir():
            # (dot names are other processes' builds under way, but for an index discarded here)
            if old.name != key and (not old.name.startswith(".") or _DISCARDED in old.name):
                shutil.rmtree(old, ignore_errors=True)
        return built, False

    def search(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """The `limit` docs that best match any of the terms, as (doc id, BM25 score), best first."""
        hits = self._hits(terms, limit)
        ids = self._searcher.fast_field_values(ID_FIELD, [address for _, address in hits])
        # None would be a doc written without an id, which no build makes.
        return [(int(d), float(score)) for (score, _), d in zip(hits, ids, strict=True) if d is not None]

    def doc_ids(self, terms: Sequence[str], limit: int) -> list[int]:
        """The ids of `search`'s docs, best first, without their scores: what the engine asks on every question."""
        hits = self._hits(terms, limit)
        ids: list[Any] = self._searcher.fast_field_values(ID_FIELD, [address for _, address in hits])  # ints: unsigned
        return [d for d in ids if d is not None]

    def _hits(self, terms: Sequence[str], limit: int) -> list[tuple[float, tantivy.DocAddress]]:
        # A term holding whitespace matches nothing (no indexed term does), so it needs no check.
        wanted = [t for t in dict.fromkeys(terms) if t]
        if not wanted or limit < 1:
            return []
        schema, should = self._schema, tantivy.Occur.Should
        query = tantivy.Query.boolean_query(
            [(should, tantivy.Query.term_query(schema, TERMS_FIELD, t, index_option="freq")) for t in wanted]
        )
        return list(self._searcher.search(query, limit, count=False).hits)


_DISCARDED = "-discarded-"


def _discard(path: Path) -> None:
    """Remove an index directory. It is moved aside first: a file written into it meanwhile (tantivy's own
    bookkeeping, by an index object of it still open) would leave it half removed, and the new index could not
    take its name."""
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}{_DISCARDED}", dir=path.parent))
    try:
        path.rename(aside / path.name)
    except OSError:  # gone already, or not ours to move: removed where it is, as far as it can be
        shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(aside, ignore_errors=True)


def _write(index: tantivy.Index, docs: Docs) -> None:
    writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
    try:
        for doc_id, text in docs:
            doc = tantivy.Document()
            doc.add_unsigned(ID_FIELD, doc_id)
            doc.add_text(TERMS_FIELD, text)
            writer.add_document(doc)
        writer.commit()
    finally:
        # Its threads stopped before anything removes the directory: a live writer still writes files.
        writer.wait_merging_threads()
