"""What an engine keeps for the next rebuild of its knowledge base to reuse (`rebuild`), beyond its index.

The index itself says which terms each entry uses; the story's vocabulary counts words, which an index of
terms cannot give back (a filler word has no term, two words share a stem). So an engine also keeps the words
each entry uses and how often (one entry's after another, flat), the words in the order entries first used
them, the words of everything else the vocabulary counts (sources, quotes, people) with a digest of those
texts, and the digest of the code that built it: a rebuild by other code reuses nothing.

In the engine cache the word arrays are mapped and the rest is read only when a rebuild asks
(`engine_file`): an answering process never touches them.
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.answering.code_version import code_digest
from bot.answering.entry_index import SeldomRead
from bot.answering.normalize import Vocabulary
from bot.knowledge.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Words:
    """The words a rebuild needs in order: the entries' (numbered by `word_ids`), and the rest's."""

    entries: list[str]  # in the order entries first use them
    others_digest: str  # of the texts `others` counts
    others: Counter[str]  # the words of sources, quotes and people, in the order first met, and how often


@dataclass(frozen=True, slots=True)
class Reusable:
    code: str  # `code_digest` of the code that built the engine
    word_offsets: Any  # entry i uses the words word_ids[word_offsets[i] : word_offsets[i + 1]]...
    word_ids: Any
    word_counts: Any  # ...so many times each
    packed: Any  # `Words`, pickled: a `SeldomRead` array, or the cache file's bytes (`engine_file.FileBytes`)

    @classmethod
    def of(cls, word_offsets: array[int], word_ids: array[int], word_counts: array[int], words: Words) -> Reusable:
        packed = SeldomRead("B")
        packed.frombytes(pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL))
        return cls(code_digest().hex(), word_offsets, word_ids, word_counts, packed)

    def words(self) -> Words:
        found = pickle.loads(self.packed.tobytes())  # noqa: S301 - the engine's own, from its own cache
        if not isinstance(found, Words):
            raise ValueError("not the words of an engine")
        return found

    @property
    def current(self) -> bool:
        """Built by the code this process runs."""
        return self.code == code_digest().hex()


def other_texts(kb: KnowledgeBase) -> list[str]:
    """What the vocabulary counts beyond the entries: words used only in sources, quotes and people are known
    words too."""
    texts: list[str] = [s.text for s in kb.sources.values()]
    texts += [q.text for q in kb.quotes.values()]
    texts += [" ".join((*s.names, s.role or "", s.description or "")) for s in kb.speakers.values()]
    return texts


def texts_digest(texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        encoded = text.encode()
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def other_words(vocab: Vocabulary, texts: Iterable[str]) -> Counter[str]:
    """The words of `texts`, in the order first met, and how often."""
    counted: Counter[str] = Counter()
    for text in texts:
        counted.update(vocab.words(text))
    return counted
