"""Which entries a rebuild takes from the previous engine as they are, and which it indexes again (`rebuild`).

An entry's index depends on the entry, on the people it is about (their names, role and organisation), on the
quotes it cites, on the kind (person or organisation) of everyone it names, and on the alias table, which turns
names, aliases and roles of the whole base into speakers. An entry is taken as it was when its pickled bytes
are the previous engine's, none of those changed, and no name, alias or role that changed has all its words in
the entry's text. Entries taken must also keep their order: a rebuild numbers terms and words in the order the
entries first use them, as a cold build does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from bot.answering.acronyms import names, texts
from bot.answering.engine_file import LazyEntries
from bot.knowledge.model import Entry, KnowledgeBase, Speaker

if TYPE_CHECKING:
    from bot.answering.index import Index


@dataclass(frozen=True, slots=True)
class Plan:
    """What a rebuild takes from the previous engine."""

    old_of: list[int]  # new entry number -> the previous engine's entry taken as it is, or -1: index it again
    entries: LazyEntries[Entry]  # the new entries, pickled as the engine cache holds them
    removed_texts: list[str]  # texts of the acronym table no entry has any more
    added_texts: list[str]  # ...and that no entry had before

    @property
    def indexed(self) -> int:
        return sum(1 for old in self.old_of if old < 0)


def why_not_reused(previous: Index, kb: KnowledgeBase) -> str | None:
    """Why a rebuild of `kb` cannot start from `previous` (None: it can)."""
    kept = previous._reuse
    if kept is None:
        return "the previous engine kept nothing to reuse"
    if not kept.current:
        return "the previous engine was built by other code"
    if previous.kb.vocabulary != kb.vocabulary:
        return "the story's vocabulary changed"
    if len(kept.word_offsets) != len(previous.kb.entries) + 1 or len(previous._entry_docs) != len(kept.word_offsets):
        return "the previous engine is inconsistent"
    return None


def plan(new: Index, previous: Index) -> Plan:
    """Which entries of `new.kb` (whose alias table `new` holds) are taken from `previous` as they are."""
    kb, old_kb = new.kb, previous.kb
    entries = LazyEntries.of(kb.entries)
    old_numbers = {entry_id: number for number, entry_id in enumerate(previous._entry_ids)}
    same = _same_bytes(entries, old_kb.entries, old_numbers)
    speakers = _changed_speakers(old_kb, kb)
    quotes = {q for q in old_kb.quotes.keys() | kb.quotes.keys() if old_kb.quotes.get(q) != kb.quotes.get(q)}
    named = _named_anew(new, previous)
    old_speakers = previous._entry_speakers
    old_of: list[int] = []
    for entry, old in zip(kb.entries.values(), same, strict=True):
        if old >= 0 and (
            old in named
            or not speakers.isdisjoint(entry.about)
            or not speakers.isdisjoint(old_speakers[old])
            or not quotes.isdisjoint(entry.quotes)
        ):
            old = -1
        old_of.append(old)
    _keep_in_order(old_of)
    removed, added = _acronym_texts(kb, old_kb, same, old_numbers)
    return Plan(old_of, entries, removed, added)


def _same_bytes(entries: LazyEntries[Entry], old: Mapping[str, Entry], numbers: dict[str, int]) -> list[int]:
    """For each new entry, the number of the previous engine's entry with the same content, or -1."""
    data, offsets = entries.pickled()
    found: list[int] = []
    if isinstance(old, LazyEntries):
        old_data, old_offsets = old.pickled()
        old_view, view = memoryview(old_data), memoryview(data)
        for number, entry_id in enumerate(entries):
            at = numbers.get(entry_id, -1)
            same = at >= 0 and (
                old_view[old_offsets[at] : old_offsets[at + 1]] == view[offsets[number] : offsets[number + 1]]
            )
            found.append(at if same else -1)
        return found
    for entry_id, entry in zip(entries, entries.values(), strict=True):  # an engine built here: by value
        at = numbers.get(entry_id, -1)
        found.append(at if at >= 0 and old[entry_id] == entry else -1)
    return found


def _person(kb: KnowledgeBase, speaker_id: str) -> tuple[Speaker | None, str | None]:
    """What an entry's index reads of a speaker: the speaker, and the name of their organisation."""
    speaker = kb.speakers.get(speaker_id)
    organisation = kb.speakers.get(speaker.affiliation or "") if speaker is not None else None
    return speaker, organisation.name if organisation is not None else None


def _changed_speakers(old: KnowledgeBase, new: KnowledgeBase) -> set[str]:
    if list(old.speakers.items()) == list(new.speakers.items()):
        return set()
    return {s for s in old.speakers.keys() | new.speakers.keys() if _person(old, s) != _person(new, s)}


def _named_anew(new: Index, previous: Index) -> set[int]:
    """The previous engine's entries whose words hold all the words of a name, alias or role that the alias
    table now reads otherwise (added, gone, or another speaker's)."""
    before, after = previous._aliases, new._aliases
    if before == after:
        return set()
    changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    kept = previous._reuse
    assert kept is not None  # noqa: S101 - checked by `why_not_reused`
    numbers = {word: number for number, word in enumerate(kept.words().entries)}
    wanted = [[numbers.get(word, -1) for word in key.split()] for key in changed]
    wanted = [key for key in wanted if -1 not in key]  # a word no entry uses: no entry has the name
    if not wanted:
        return set()
    ids = np.frombuffer(kept.word_ids, dtype=np.uintc)
    offsets = np.frombuffer(kept.word_offsets, dtype=np.uintc)
    at = np.flatnonzero(np.isin(ids, np.array(sorted({w for key in wanted for w in key}), dtype=np.uintc)))
    owners = np.searchsorted(offsets, at, side="right") - 1
    words: dict[int, set[int]] = {}
    for owner, word in zip(owners.tolist(), ids[at].tolist(), strict=True):
        words.setdefault(owner, set()).add(word)
    return {owner for owner, found in words.items() if any(found.issuperset(key) for key in wanted)}


def _keep_in_order(old_of: list[int]) -> None:
    """Index again the fewest entries taken that would otherwise come in another order than before (an entry
    moved to another file): those outside the longest run of taken entries in their previous order."""
    taken = [old for old in old_of if old >= 0]
    if all(a < b for a, b in pairwise(taken)):
        return
    # Patience sorting: the longest increasing subsequence of the previous numbers, in O(n log n).
    tails: list[int] = []  # tails[k]: the smallest last previous number of an increasing run of length k + 1
    tail_at: list[int] = []  # ...and where in `old_of` it is
    before = [-1] * len(old_of)  # the place of the previous item of the run ending at each place
    for place, old in enumerate(old_of):
        if old < 0:
            continue
        k = bisect_left(tails, old)
        if k == len(tails):
            tails.append(old)
            tail_at.append(place)
        else:
            tails[k], tail_at[k] = old, place
        before[place] = tail_at[k - 1] if k else -1
    kept: set[int] = set()
    place = tail_at[-1] if tail_at else -1
    while place >= 0:
        kept.add(place)
        place = before[place]
    for place, old in enumerate(old_of):
        if old >= 0 and place not in kept:
            old_of[place] = -1


def _acronym_texts(
    kb: KnowledgeBase, old_kb: KnowledgeBase, same: list[int], numbers: dict[str, int]
) -> tuple[list[str], list[str]]:
    """The texts the acronym table reads that no entry has any more, and those no entry had before."""
    kept = {old for old in same if old >= 0}
    new_entries = [entry for entry, old in zip(kb.entries.values(), same, strict=True) if old < 0]
    old_entries = [old_kb.entries[entry_id] for entry_id, number in numbers.items() if number not in kept]
    now = Counter(texts(kb.entries.values()))
    now.update(names(kb))  # unchanged (else the table is read again): a name keeps its text there
    before = now.copy()
    before.subtract(texts(new_entries))
    before.update(texts(old_entries))
    removed = sorted({t for t in texts(old_entries) if before[t] > 0 and now[t] <= 0})
    added = sorted({t for t in texts(new_entries) if now[t] > 0 and before[t] <= 0})
    return removed, added
