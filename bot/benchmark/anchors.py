"""The anchors StoryBot's engine is measured against, each given the base's phrasings and nothing else.

Each anchor answers a question with its best phrasing and a score; the benchmark then gives each the
decline cut-off that suits it best on the very questions it is scored on (which flatters it).

- naive: `rapidfuzz.process.extractOne(question, every_phrasing, scorer=fuzz.WRatio)`, the first
  thing anyone writes; both sides lower-cased and stripped of punctuation by rapidfuzz's own
  `default_process`.
- tantivy: an on-disk BM25 index of the phrasings, words lower-cased and stemmed (Snowball English),
  the question analysed the same way and every word a "should" clause.
- bm25s: bm25s's BM25 over the same kind of tokens (its English stopwords, the Snowball stemmer).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

MAX_TOKEN_CHARS = 40  # longer "words" are noise (links, keyboard mashing), as in tantivy's en_stem


class Anchor(Protocol):
    name: str

    def top(self, question: str) -> tuple[int, float] | None:
        """The number of the best phrasing and its score, or None when nothing matches at all."""


class Naive:
    name = "naive WRatio"

    def __init__(self, phrasings: Sequence[str]) -> None:
        from rapidfuzz import utils

        self._process = utils.default_process
        self._choices = [self._process(p) for p in phrasings]

    def top(self, question: str) -> tuple[int, float] | None:
        from rapidfuzz import fuzz, process

        best = process.extractOne(self._process(question), self._choices, scorer=fuzz.WRatio, processor=None)
        return None if best is None else (int(best[2]), float(best[1]))


class Tantivy:
    name = "tantivy (BM25, English stemmer)"

    def __init__(self, phrasings: Sequence[str], directory: Path | None = None) -> None:
        import tantivy

        self._tantivy = tantivy
        self._scratch = tempfile.TemporaryDirectory(prefix="storybot-anchor-")
        path = directory or Path(self._scratch.name)
        self._analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(MAX_TOKEN_CHARS))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english"))
            .build()
        )
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("text", tokenizer_name="stemmed", index_option="freq")
        builder.add_unsigned_field("doc", fast=True)
        self._schema = builder.build()
        index = tantivy.Index(self._schema, path=str(path))
        index.register_tokenizer("stemmed", self._analyzer)
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        for number, text in enumerate(phrasings):
            doc = tantivy.Document()
            doc.add_unsigned("doc", number)
            doc.add_text("text", text)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._searcher = index.searcher()

    def top(self, question: str) -> tuple[int, float] | None:
        tantivy = self._tantivy
        words = dict.fromkeys(self._analyzer.analyze(question))
        if not words:
            return None
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "text", w)) for w in words]
        hits = self._searcher.search(tantivy.Query.boolean_query(clauses), 1, count=False).hits
        if not hits:
            return None
        doc = self._searcher.fast_field_values("doc", [hits[0][1]])[0]
        return None if doc is None else (int(doc), float(hits[0][0]))


class Bm25s:
    name = "bm25s (BM25, English stemmer)"

    def __init__(self, phrasings: Sequence[str]) -> None:
        import bm25s
        import snowballstemmer

        self._bm25s = bm25s
        self._stem = snowballstemmer.stemmer("english").stemWords
        self._retriever = bm25s.BM25()
        tokens = bm25s.tokenize(list(phrasings), stopwords="en", stemmer=self._stem, show_progress=False)
        self._retriever.index(tokens, show_progress=False)

    def top(self, question: str) -> tuple[int, float] | None:
        bm25s = self._bm25s
        query = bm25s.tokenize([question], stopwords="en", stemmer=self._stem, return_ids=False, show_progress=False)
        if not query[0]:
            return None
        docs, scores = self._retriever.retrieve(query, k=1, show_progress=False)
        score = float(scores[0][0])
        return None if score <= 0.0 else (int(docs[0][0]), score)


ANCHORS = {"naive": Naive, "tantivy": Tantivy, "bm25s": Bm25s}
