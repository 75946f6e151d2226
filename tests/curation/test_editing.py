"""Moderators' edits as they meet them: what each edit changes in the files, what it refuses, and
that the files survive concurrent writers and a writer killed mid-edit.

Every test edits a copy of the shipped knowledge base. "Changes only the touched lines" is checked
with a line diff of the file before and after, and the rest byte for byte.
"""

from __future__ import annotations

import difflib
import os
import random
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
import yaml
from editing_worker import FAILED, READY, phrasing, start_teachers, start_writer
from filelock import FileLock

from bot.answering import Engine
from bot.curation.editing import LOCK_NAME, EditRejected, KnowledgeEditor
from bot.curation.store import Store
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import validate_knowledge

SOURCE = "tech-police-surveillance-2020"
EXCERPT = "The online giant has got 39 taxpayer-funded deals since 2015, GMB union research claims."
REPORT_WITHIN = 120.0  # seconds a writer may take to report an edit, or to die, on a loaded machine

# A file as a moderator might write it by hand: comments everywhere, its own key order, quoting,
# folded text, flow lists, an indentless list and a comment at the very end.
HAND_WRITTEN = """\
# yaml-language-server: $schema=../schema/knowledge.schema.json
# Moderators' notes: keep the Ring phrasings short.

entries:
  # --- Ring ---------------------------------------------------------
  - about: [ring, amazon]          # who it is about comes first here
    id: hand-written-ring
    answer: "More than 400 police departments, the story says."   # quoted on purpose
    questions:
      # the commonest wording first
      - How many departments partner with Ring, by hand?
      - 'ring: how many cops, by hand?'   # single-quoted, with a colon
    evidence:
      - excerpt: >-
          That's in addition to Amazon's Ring doorbell camera system, which has video-sharing
          partnerships with more than 400 police departments.
        source: tech-police-surveillance-2020
    keywords: [400]

  # A second entry, after a blank line and a comment.
  - id: hand-written-second
    questions: [Flow style phrasing one?, Flow style two?]
    answer: Plain answer.
    evidence:
    - source: tech-police-surveillance-2020
      excerpt: The online giant has got 39 taxpayer-funded deals since 2015
# a comment at the end of the file
"""


@pytest.fixture
def editor(kb_dir: Path, store: Store) -> KnowledgeEditor:
    return KnowledgeEditor(kb_dir, store)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a unified diff shows as removed (-) or added (+)."""
    diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def valid(kb_dir: Path) -> None:
    kb, problems = validate_knowledge(kb_dir)
    assert kb is not None, "\n".join(map(str, problems))


def write_hand_written(kb_dir: Path) -> Path:
    path = kb_dir / "entries" / "hand.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    valid(kb_dir)
    return path


# ---------------------------------------------------------------------------------------------- round trip


def test_teach_on_a_hand_written_file_adds_one_line_and_keeps_every_other_byte(
    editor: KnowledgeEditor, kb_dir: Path
) -> None:
    path = write_hand_written(kb_dir)

    change = editor.teach("hand-written-ring", "ring cop count by hand")

    after = path.read_text(encoding="utf-8")
    assert change.before == HAND_WRITTEN
    assert change.after == after
    assert changed_lines(HAND_WRITTEN, after) == ["+      - ring cop count by hand\n"]
    anchor = "      - 'ring: how many cops, by hand?'   # single-quoted, with a colon\n"
    assert after == HAND_WRITTEN.replace(anchor, anchor + "      - ring cop count by hand\n")
    valid(kb_dir)


def test_teach_on_a_flow_style_list_changes_only_that_line(editor: KnowledgeEditor, kb_dir: Path) -> None:
    path = write_hand_written(kb_dir)

    editor.teach("hand-written-second", "Flow style, with a comma?")

    assert changed_lines(HAND_WRITTEN, path.read_text(encoding="utf-8")) == [
        "-    questions: [Flow style phrasing one?, Flow style two?]\n",
        "+    questions: [Flow style phrasing one?, Flow style two?, 'Flow style, with a comma?']\n",
    ]
    kb = load_knowledge(kb_dir)
    assert kb.entries["hand-written-second"].questions[-1] == "Flow style, with a comma?"


@pytest.mark.parametrize("name", sorted(p.name for p in (bundled_knowledge_dir() / "entries").glob("*.yaml")))
def test_teach_on_every_shipped_file_adds_exactly_one_line(editor: KnowledgeEditor, kb_dir: Path, name: str) -> None:
    path = kb_dir / "entries" / name
    before = path.read_text(encoding="utf-8")
    data = yaml.safe_load(before)
    entry = data["entries"][-1]  # the last entry: right before the end of the file

    editor.teach(entry["id"], f"a new way to ask about {entry['id']}")

    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        f"+      - a new way to ask about {entry['id']}\n"
    ]


def test_windows_line_ends_and_indentless_lists_are_kept(editor: KnowledgeEditor, kb_dir: Path) -> None:
    text = (
        "# written on Windows, lists not indented\r\n"
        "entries:\r\n"
        "- id: windows-entry\r\n"
        "  questions:\r\n"
        "  - Is this a Windows file?\r\n"
        "  answer: Yes.\r\n"
        "  evidence:\r\n"
        f"  - source: {SOURCE}\r\n"
        f"    excerpt: {EXCERPT}\r\n"
    )
    path = kb_dir / "entries" / "windows.yaml"
    path.write_bytes(text.encode("utf-8"))

    editor.teach("windows-entry", "Was it saved on Windows?")
    editor.add_entry(
        questions=["A second Windows entry?"], answer="Also yes.", evidence=[EXCERPT], file="entries/windows.yaml"
    )

    after = path.read_bytes().decode("utf-8")
    assert after.startswith(
        text.replace(
            "  - Is this a Windows file?\r\n", "  - Is this a Windows file?\r\n  - Was it saved on Windows?\r\n"
        )
    )
    assert "\r\n\r\n- id: second-windows-entry\r\n  questions:\r\n  - A second Windows entry?\r\n" in after
    assert after.count("\n") == after.count("\r\n")
    valid(kb_dir)


@pytest.mark.parametrize(
    "phrasing_text", ["yes", "400", "null", "ring: what?", "- dash first", "#hashtag ring", "'quoted'"]
)
def test_text_yaml_would_read_as_something_else_is_written_so_it_stays_text(
    editor: KnowledgeEditor, kb_dir: Path, phrasing_text: str
) -> None:
    editor.teach("what-is-ring", phrasing_text)
    assert load_knowledge(kb_dir).entries["what-is-ring"].questions[-1] == phrasing_text


# ---------------------------------------------------------------------------------------------- teach


def test_a_question_declined_before_teach_is_answered_after(editor: KnowledgeEditor, kb_dir: Path) -> None:
    question = "how big is the ring snitch network"
    assert Engine(load_knowledge(kb_dir)).ask(question).outcome == "declined"

    change = editor.teach("ring-police-partnerships", question, user_id=5, user_name="mod")

    assert change.summary == f"added phrasing {question!r} to ring-police-partnerships"
    answer = Engine(load_knowledge(kb_dir)).ask(question)
    assert answer.outcome == "answered"
    assert answer.entry is not None
    assert answer.entry.id == "ring-police-partnerships"


def test_a_phrasing_of_another_entry_is_refused_naming_it(editor: KnowledgeEditor, kb_dir: Path, store: Store) -> None:
    before = (kb_dir / "entries" / "ring.yaml").read_text(encoding="utf-8")

    with pytest.raises(EditRejected) as refused:
        editor.teach("what-is-ring", "  how many police departments does RING partner with ")

    assert "already belongs to entry `ring-police-partnerships`" in refused.value.message
    assert (kb_dir / "entries" / "ring.yaml").read_text(encoding="utf-8") == before
    assert store.changes(10) == []
    with pytest.raises(EditRejected, match="already belongs to this entry"):
        editor.teach("ring-police-partnerships", "How many police departments does Ring partner with?")


def test_an_unknown_entry_is_refused_with_a_suggestion(editor: KnowledgeEditor) -> None:
    with pytest.raises(EditRejected, match=r"No entry has the id `what-is-rng`\. Did you mean `what-is-ring`"):
        editor.teach("what-is-rng", "what is it")
    with pytest.raises(EditRejected, match="needs words"):
        editor.teach("what-is-ring", " ?! ")


def test_a_broken_knowledge_base_is_named_before_any_edit(editor: KnowledgeEditor, kb_dir: Path) -> None:
    (kb_dir / "entries" / "broken.yaml").write_text("entries:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(EditRejected) as refused:
        editor.teach("what-is-ring", "what is it")
    assert "fix them first" in refused.value.message
    assert any(p.file.endswith("broken.yaml") for p in refused.value.problems)


# ---------------------------------------------------------------------------------------------- add


def test_add_entry_writes_a_new_moderators_file_and_is_answered(editor: KnowledgeEditor, kb_dir: Path) -> None:
    answer = (
        "GMB union research claims the online giant has got 39 taxpayer-funded deals since 2015; "
        "the story gives no list of them and says nothing more about the research."
    )
    change = editor.add_entry(
        questions=["How many public deals did the union count for Amazon?", "gmb deal count"],
        answer=answer,
        evidence=[EXCERPT],
        about=["amazon", "GMB"],
        user_id=9,
        user_name="mod",
    )

    path = kb_dir / "entries" / "moderators.yaml"
    assert change.file == "entries/moderators.yaml"
    assert change.before == ""
    assert change.target == "public-deals-union-count-amazon"
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schema/knowledge.schema.json\n"
        "# Added by moderators from Discord (/kb). Edit it by hand freely; `storybot validate` checks it.\n"
        "\n"
        "entries:\n"
        "  - id: public-deals-union-count-amazon\n"
        "    questions:\n"
        "      - How many public deals did the union count for Amazon?\n"
        "      - gmb deal count\n"
        "    answer: >-\n"
        "      GMB union research claims the online giant has got 39 taxpayer-funded deals since 2015; the\n"
        "      story gives no list of them and says nothing more about the research.\n"
        "    evidence:\n"
        f"      - source: {SOURCE}\n"
        "        excerpt: >-\n"
        "          The online giant has got 39 taxpayer-funded deals since 2015, GMB union research claims.\n"
        "    about: [amazon, gmb-union]\n"
    )
    reply = Engine(load_knowledge(kb_dir)).ask("gmb deal count")
    assert reply.entry is not None
    assert reply.entry.id == "public-deals-union-count-amazon"
    assert reply.text == answer

    second = editor.add_entry(questions=["How many public deals, then?"], answer="39.", evidence=[EXCERPT[:50]])
    assert second.target == "public-deals"  # its telling words; filler ("how many", "then") is left out
    assert changed_lines(change.after, second.after)[0] == "+\n"  # spaced like the entries before it
    third = editor.add_entry(questions=["Public deals?"], answer="39.", evidence=[EXCERPT[:40]])
    assert third.target == "public-deals-2"
    valid(kb_dir)


def test_evidence_not_in_the_source_is_refused_with_the_closest_passage(
    editor: KnowledgeEditor, kb_dir: Path, store: Store
) -> None:
    with pytest.raises(EditRejected) as refused:
        editor.add_entry(
            questions=["How many deals has Amazon got?"],
            answer="39.",
            evidence=["The online giant has 39 taxpayer-funded deals since 2015"],
        )

    assert refused.value.closest == "The online giant has got 39 taxpayer-funded deals since 2015"
    assert "not word for word" in refused.value.message
    assert "'got'" in refused.value.message
    assert not (kb_dir / "entries" / "moderators.yaml").exists()
    assert store.changes(10) == []


def test_with_several_sources_the_source_must_be_named(editor: KnowledgeEditor, kb_dir: Path) -> None:
    (kb_dir / "second.yaml").write_text(
        "sources:\n  - id: second-story\n    title: A second story\n    text: Nothing else happened on Tuesday.\n",
        encoding="utf-8",
    )
    with pytest.raises(EditRejected, match="second-story, tech-police-surveillance-2020"):
        editor.add_entry(questions=["What happened on Tuesday?"], answer="Nothing.", evidence=["Nothing else happened"])
    with pytest.raises(EditRejected, match="not word for word"):
        editor.add_entry(
            questions=["What happened on Tuesday?"], answer="Nothing.", evidence=[EXCERPT], source="second-story"
        )

    editor.add_entry(
        questions=["What happened on Tuesday?"],
        answer="Nothing.",
        evidence=["Nothing else happened"],
        source="second-story",
    )
    assert load_knowledge(kb_dir).entries["happened-tuesday"].evidence[0].source == "second-story"


def test_add_quote_by_name_appends_to_the_quotes_file(editor: KnowledgeEditor, kb_dir: Path) -> None:
    before = (kb_dir / "quotes.yaml").read_text(encoding="utf-8")

    change = editor.add_quote(speaker="Greer", text="“tech companies want to have it both ways”")

    assert change.file == "quotes.yaml"
    assert changed_lines(before, change.after) == [
        "+\n",
        "+  - id: greer-tech-companies-want\n",
        "+    speaker: evan-greer\n",
        f"+    source: {SOURCE}\n",
        "+    text: tech companies want to have it both ways\n",
    ]
    quotes = Engine(load_knowledge(kb_dir)).quote("Evan Greer").quotes
    assert "tech companies want to have it both ways" in [view.quote.text for view in quotes]


def test_add_quote_refuses_what_it_cannot_attribute_or_find(editor: KnowledgeEditor, kb_dir: Path) -> None:
    words = "a large network of cameras, promoted by police"
    with pytest.raises(EditRejected, match="attribution note"):
        editor.add_quote(speaker=None, text=words)
    with pytest.raises(EditRejected, match=r"No person or organisation is called 'Grear'\. Did you mean `evan-greer`"):
        editor.add_quote(speaker="Grear", text=words)
    with pytest.raises(EditRejected) as refused:
        editor.add_quote(speaker="evan-greer", text="tech companies want to have it all ways")
    assert refused.value.closest == "tech companies want to have it both ways"
    with pytest.raises(EditRejected, match="already in the knowledge base as `alpert-cant-survive`"):
        editor.add_quote(speaker="Alpert", text="We can’t survive without these technologies")

    change = editor.add_quote(speaker=None, text=words, attribution_note="Narration, not a quotation.")
    assert "    speaker: null\n" in change.after
    assert load_knowledge(kb_dir).quotes[change.target].speaker is None


# ---------------------------------------------------------------------------------------------- edit, remove


def test_edit_entry_changes_only_the_fields_it_touches(editor: KnowledgeEditor, kb_dir: Path) -> None:
    path = kb_dir / "entries" / "ring.yaml"
    before = path.read_text(encoding="utf-8")
    answer = (
        "Ring is Amazon's doorbell camera system; the story says it shares video with more than 400 "
        "police departments through its partnerships."
    )

    change = editor.edit_entry(
        "what-is-ring", answer=answer, add_questions=["ring what is it"], keywords=["Ring", "doorbell", "Amazon"]
    )

    assert changed_lines(before, change.after) == [
        "-    keywords: [Ring, doorbell camera]\n",
        "+      - ring what is it\n",
        "+    keywords: [Ring, doorbell, Amazon]\n",
        "-      Ring is Amazon's doorbell camera system. The story says it has video-sharing partnerships with\n",
        "-      more than 400 police departments.\n",
        "+      Ring is Amazon's doorbell camera system; the story says it shares video with more than 400\n",
        "+      police departments through its partnerships.\n",
    ]
    entry = load_knowledge(kb_dir).entries["what-is-ring"]
    assert (entry.answer, entry.keywords, entry.questions[-1]) == (
        answer,
        ("Ring", "doorbell", "Amazon"),
        "ring what is it",
    )

    removed = editor.edit_entry("what-is-ring", keywords=[])
    assert changed_lines(removed.before, removed.after) == ["-    keywords: [Ring, doorbell, Amazon]\n"]
    with pytest.raises(EditRejected, match="Nothing to change"):
        editor.edit_entry("what-is-ring", answer=answer)


def test_remove_entry_takes_its_lines_and_one_blank_line(editor: KnowledgeEditor, kb_dir: Path) -> None:
    path = kb_dir / "entries" / "ring.yaml"
    before = path.read_text(encoding="utf-8")
    block = before[before.index("  - id: ring-police-partnerships\n") :]
    block = "\n" + block[: block.index("\n\n") + 1]

    change = editor.remove_entry("ring-police-partnerships")

    assert change.after == before.replace(block, "", 1)
    assert "ring-police-partnerships" not in load_knowledge(kb_dir).entries
    with pytest.raises(EditRejected, match="No entry has the id"):
        editor.remove_entry("ring-police-partnerships")


def test_remove_phrasing(editor: KnowledgeEditor, kb_dir: Path) -> None:
    change = editor.remove_phrasing("what-is-ring", "ring doorbell")
    assert changed_lines(change.before, change.after) == ["-      - Ring doorbell\n"]
    assert "Ring doorbell" not in load_knowledge(kb_dir).entries["what-is-ring"].questions

    with pytest.raises(
        EditRejected,
        match=r"has no phrasing 'Ring doorbel camera'\. Did you mean 'What is the Ring doorbell camera system\?'",
    ):
        editor.remove_phrasing("what-is-ring", "Ring doorbel camera")

    write_hand_written(kb_dir)
    flow = editor.remove_phrasing("hand-written-second", "Flow style two?")
    assert changed_lines(flow.before, flow.after) == [
        "-    questions: [Flow style phrasing one?, Flow style two?]\n",
        "+    questions: [Flow style phrasing one?]\n",
    ]
    with pytest.raises(EditRejected, match="only phrasing"):
        editor.remove_phrasing("hand-written-second", "Flow style phrasing one?")


def test_a_file_all_in_flow_style_is_edited_keeping_its_comments(editor: KnowledgeEditor, kb_dir: Path) -> None:
    path = kb_dir / "entries" / "flow.yaml"
    path.write_text(
        "# All in flow style; the comment must survive.\n"
        f"entries: [{{id: flow-entry, questions: [In flow style?], answer: Flow., "
        f"evidence: [{{source: {SOURCE}, excerpt: 'The online giant has got 39'}}]}}]\n",
        encoding="utf-8",
    )

    editor.add_entry(questions=["Added to a flow file?"], answer="Yes.", evidence=[EXCERPT], file="entries/flow.yaml")

    assert path.read_text(encoding="utf-8").startswith("# All in flow style; the comment must survive.\n")
    kb = load_knowledge(kb_dir)
    assert kb.entries["flow-entry"].questions == ("In flow style?",)
    assert kb.entries["added-flow-file"].questions == ("Added to a flow file?",)


def test_an_edit_of_lines_in_their_own_style_rewrites_them_and_keeps_the_rest(
    editor: KnowledgeEditor, kb_dir: Path
) -> None:
    """The second hand-written entry's evidence list is not indented as the shipped files are; removing
    that entry changes those very lines, so the file is written as the round trip writes it."""
    path = write_hand_written(kb_dir)

    editor.remove_entry("hand-written-second")

    after = path.read_text(encoding="utf-8")
    first_entry = HAND_WRITTEN[: HAND_WRITTEN.index("  # A second entry")]
    assert after.startswith(first_entry.rstrip("\n"))  # comments, quoting and layout of the rest kept
    assert after.endswith("# a comment at the end of the file\n")
    assert "hand-written-second" not in after
    assert list(load_knowledge(kb_dir).entries).count("hand-written-ring") == 1


def test_an_edit_that_fails_while_writing_leaves_the_old_file(
    editor: KnowledgeEditor, kb_dir: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = kb_dir / "entries" / "ring.yaml"
    before = path.read_bytes()

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(
        EditRejected, match=r"could not be saved \(No space left on device\); entries/ring.yaml was left"
    ):
        editor.teach("what-is-ring", "what is it")

    assert path.read_bytes() == before
    assert store.changes(10) == []
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_a_busy_lock_refuses_after_the_timeout(kb_dir: Path, store: Store) -> None:
    editor = KnowledgeEditor(kb_dir, store, lock_timeout=0.2)
    with FileLock(kb_dir / LOCK_NAME), pytest.raises(EditRejected, match="try again"):
        editor.teach("what-is-ring", "what is it")
    editor.teach("what-is-ring", "what is it")  # free again
    valid(kb_dir)  # the lock file is hidden: the loader skips it


# ---------------------------------------------------------------------------------------------- undo, history


def test_undo_restores_the_file_byte_for_byte_most_recent_first(editor: KnowledgeEditor, kb_dir: Path) -> None:
    path = kb_dir / "entries" / "ring.yaml"
    original = path.read_text(encoding="utf-8")
    first = editor.teach("what-is-ring", "first taught")
    second = editor.remove_entry("ring-police-partnerships")

    undone = editor.undo(user_id=3, user_name="other mod")
    assert undone.action == "undo"
    assert undone.summary.startswith(f"undid #{second.id}: removed entry ring-police-partnerships")
    assert path.read_text(encoding="utf-8") == first.after

    # Undoing an undo makes the change again.
    editor.undo(undone.id)
    assert path.read_text(encoding="utf-8") == second.after
    editor.undo()
    assert path.read_text(encoding="utf-8") == first.after
    editor.undo()
    assert path.read_text(encoding="utf-8") == original
    with pytest.raises(EditRejected, match="Nothing to undo"):
        editor.undo()


def test_undo_of_a_new_file_removes_it(editor: KnowledgeEditor, kb_dir: Path) -> None:
    editor.add_entry(questions=["A new file's only entry?"], answer="Yes.", evidence=[EXCERPT])
    editor.undo()
    assert not (kb_dir / "entries" / "moderators.yaml").exists()
    valid(kb_dir)


def test_undo_is_refused_when_the_file_changed_since(editor: KnowledgeEditor, kb_dir: Path) -> None:
    first = editor.teach("what-is-ring", "first taught")
    second = editor.teach("what-is-ring", "second taught")

    with pytest.raises(EditRejected, match=f"#{first.id} can't be undone.*by change #{second.id}.*undo that first"):
        editor.undo(first.id)

    path = kb_dir / "entries" / "ring.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a note added by hand\n", encoding="utf-8")
    with pytest.raises(EditRejected, match="by hand"):
        editor.undo()
    assert path.read_text(encoding="utf-8").endswith("# a note added by hand\n")

    with pytest.raises(EditRejected, match="no change #999"):
        editor.undo(999)


def test_an_undo_that_would_break_a_reference_is_refused(editor: KnowledgeEditor, kb_dir: Path) -> None:
    quote = editor.add_quote(speaker="Greer", text="tech companies want to have it both ways")
    editor.add_entry(
        questions=["What do tech companies want?"], answer="Both ways.", evidence=[EXCERPT[:40]], quotes=[quote.target]
    )

    with pytest.raises(EditRejected) as refused:
        editor.undo(quote.id)

    assert "invalid" in refused.value.message
    assert any(quote.target in p.message for p in refused.value.problems)
    assert quote.target in load_knowledge(kb_dir).quotes


def test_history_says_who_did_what_and_when_newest_first(editor: KnowledgeEditor) -> None:
    editor.teach("what-is-ring", "first taught", user_id=1, user_name="ana")
    editor.remove_phrasing("what-is-ring", "first taught", user_id=2, user_name="bo")

    history = editor.history(10)

    assert [(c.user_name, c.action, c.target) for c in history] == [
        ("bo", "remove_phrasing", "what-is-ring"),
        ("ana", "teach", "what-is-ring"),
    ]
    assert history[0].at >= history[1].at
    assert history[0].at.utcoffset() is not None
    assert history[1].summary == "added phrasing 'first taught' to what-is-ring"


# ---------------------------------------------------------------------------------------------- concurrency


def all_entries(kb_dir: Path) -> list[str]:
    return sorted(load_knowledge(kb_dir).entries)


def assert_all_taught(kb_dir: Path, store: Store, jobs: list[tuple[str, int]]) -> None:
    kb = load_knowledge(kb_dir)
    for entry_id, n in jobs:
        assert phrasing(n) in kb.entries[entry_id].questions
    changes = store.changes(1000)
    assert len(changes) == len(jobs)
    assert sorted(c.user_id for c in changes if c.user_id is not None) == sorted(n for _, n in jobs)
    assert not list(kb_dir.rglob("*.storybot-tmp"))


def test_50_concurrent_teach_calls_from_threads(kb_dir: Path, store: Store) -> None:
    editor = KnowledgeEditor(kb_dir, store, lock_timeout=300.0)  # the last writer waits for 49 others
    entries = all_entries(kb_dir)
    jobs = [(entries[n % 7], n) for n in range(50)]  # a few entries, so several writers share each file
    start = threading.Barrier(len(jobs))

    def teach(job: tuple[str, int]) -> int:
        start.wait()
        return editor.teach(job[0], phrasing(job[1]), user_id=job[1]).id

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        ids = list(pool.map(teach, jobs))

    assert len(set(ids)) == 50
    assert_all_taught(kb_dir, store, jobs)


def test_50_concurrent_teach_calls_from_processes(kb_dir: Path, store: Store) -> None:
    entries = all_entries(kb_dir)
    jobs = [(entries[n % 5], n) for n in range(50)]
    teachers = start_teachers(kb_dir, store.path, [jobs[i::5] for i in range(5)])
    for teacher in teachers:
        teacher.join(timeout=120)
        assert teacher.exitcode == 0

    assert_all_taught(kb_dir, store, jobs)


def next_report(reports: Connection) -> object:
    """A writer's next report; None once it has ended."""
    assert reports.poll(REPORT_WITHIN), f"the writer neither reported nor ended within {REPORT_WITHIN} s"
    try:
        report = reports.recv()
    except EOFError:
        return None
    assert not (isinstance(report, tuple) and report[0] == FAILED), report[1]
    return report


KILL_EDITS = 40  # edits the killed writers must finish between them
KILL_AFTER = 3  # at most this many edits finish before each kill: about 20 kills over the 40 edits


def test_a_writer_killed_at_random_points_leaves_old_or_new_files(kb_dir: Path, tmp_path: Path) -> None:
    """KILL_EDITS edits by a worker process that is SIGKILLed at random moments and restarted each time."""
    entry_id = "what-is-ring"
    path = kb_dir / "entries" / "ring.yaml"
    # Only the edited entry stays in its file: a round trip of the file is quicker, so the time goes to
    # kills rather than to YAML, and the folder still validates as a whole after every edit.
    whole = path.read_text(encoding="utf-8")
    original = whole[: whole.index("\n  - id:", whole.index(f"- id: {entry_id}"))] + "\n"
    path.write_text(original, encoding="utf-8")
    last = yaml.safe_load(original)["entries"][0]["questions"][-1]
    anchor = f"      - {last}\n"
    # Every version the file may have: the original with the first k phrasings added.
    versions = [
        original.replace(anchor, anchor + "".join(f"      - {phrasing(i)}\n" for i in range(k)), 1)
        for k in range(KILL_EDITS + 1)
    ]
    db = tmp_path / "data" / "storybot.db"
    rng = random.Random(20260301)  # noqa: S311 - reproducible kill times, not secrets
    done = kills = 0
    while done < KILL_EDITS:
        worker, reports = start_writer(kb_dir, db, entry_id, done, KILL_EDITS)
        assert next_report(reports) == READY
        for _ in range(rng.randint(0, KILL_AFTER)):  # let a few edits finish...
            if next_report(reports) is None:
                break
        worker.join(timeout=rng.uniform(0.0, 0.08))  # ...then kill it at a random moment of the next ones
        if worker.is_alive():
            worker.kill()
            worker.join()
            kills += 1
        reports.close()

        text = path.read_text(encoding="utf-8")
        assert text in versions, "the file is neither the old nor the new version of an edit"
        valid(kb_dir)
        done = versions.index(text)

    assert kills >= 5  # about 20 on a loaded machine; fewer where edits are quick
    store = Store(db)  # the audit trail survived every kill too
    audited = KnowledgeEditor(kb_dir, store).history(1000)
    store.close()
    # The audit trail holds exactly the edits in the file, also those whose writer was killed after
    # the rename and before it could confirm the row (settled by the next writer, or here by history).
    assert [change.after for change in reversed(audited)] == versions[1:]
    assert not list(kb_dir.rglob("*.storybot-tmp"))


@pytest.mark.parametrize("step", ["pending", "written", "renamed"])
def test_a_writer_killed_at_each_step_of_a_write(kb_dir: Path, tmp_path: Path, step: str) -> None:
    """Kill points the random test hits only now and then, each made certain."""
    path = kb_dir / "entries" / "ring.yaml"
    before = path.read_text(encoding="utf-8")
    db = tmp_path / "data" / "storybot.db"
    worker, reports = start_writer(kb_dir, db, "what-is-ring", 0, 1, die_at=step)
    assert next_report(reports) == READY
    assert next_report(reports) is None  # it died in its first edit, before it could report it
    worker.join(timeout=REPORT_WITHIN)
    assert worker.exitcode == -signal.SIGKILL

    after = path.read_text(encoding="utf-8")
    if step == "renamed":  # the new version, whole
        assert changed_lines(before, after) == [f"+      - {phrasing(0)}\n"]
    else:  # the old one, untouched
        assert after == before
    valid(kb_dir)
    store = Store(db)
    history = KnowledgeEditor(kb_dir, store).history(10)  # settles the dead writer's audit row
    assert [c.after for c in history] == ([after] if step == "renamed" else [])
    assert store.pending_changes() == []
    store.close()
    if step == "written":
        assert list(kb_dir.rglob("*.storybot-tmp"))  # the dead writer's temporary file: hidden, ignored...
        other = Store(tmp_path / "other.db")
        KnowledgeEditor(kb_dir, other).teach("what-is-ring", "after the crash")
        other.close()
        assert not list(kb_dir.rglob("*.storybot-tmp"))  # ...and cleared by the next writer
