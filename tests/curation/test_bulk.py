"""Bulk curation: entries out to a spreadsheet's CSV and back, validated as a whole and applied as one change."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot import cli
from bot.curation.bulk import COLUMNS, ImportRefused, export_csv, import_csv
from bot.curation.editing import KnowledgeEditor
from bot.curation.store import Store
from bot.knowledge import load_knowledge

Rows = list[list[str]]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*.yaml"))}


def exported(kb_dir: Path) -> Rows:
    text = export_csv(load_knowledge(kb_dir))
    assert text.startswith("\ufeff") and "\r\n" in text  # what Excel opens as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def save(path: Path, rows: Rows, *, delimiter: str = ",", bom: bool = True) -> Path:
    """Write rows as a spreadsheet saves CSV: UTF-8 (with a BOM), CRLF, new lines inside quoted cells."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    return path


def row_of(rows: Rows, entry_id: str) -> tuple[int, list[str]]:
    """The spreadsheet row number (the header is row 1) and the cells of an entry."""
    index = next(i for i, r in enumerate(rows) if r[0] == entry_id)
    return index + 1, rows[index]


def test_export_is_one_row_an_entry_with_phrasings_and_evidence_one_a_line(kb_dir: Path) -> None:
    rows = exported(kb_dir)
    kb = load_knowledge(kb_dir)
    assert rows[0] == list(COLUMNS)
    assert [r[0] for r in rows[1:]] == list(kb.entries)
    _, ring = row_of(rows, "ring-police-partnerships")
    entry = kb.entries["ring-police-partnerships"]
    assert ring[1].split("\n") == list(entry.questions)
    assert ring[2] == entry.answer
    assert ring[3].split("\n") == [e.excerpt for e in entry.evidence]
    assert ring[4] == "tech-police-surveillance-2020"


def test_importing_the_export_unchanged_changes_nothing(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    before = snapshot(kb_dir)
    done = import_csv(kb_dir, store, save(tmp_path / "entries.csv", exported(kb_dir)))
    assert done.change_id is None and done.unchanged == len(load_knowledge(kb_dir).entries)
    assert snapshot(kb_dir) == before and store.changes(10) == []


def test_a_spreadsheet_edit_is_applied_as_one_change(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    rows = exported(kb_dir)
    _, mijente = row_of(rows, "what-is-mijente")
    mijente[1] += "\nWho leads Mijente?"
    _, ring = row_of(rows, "ring-police-partnerships")
    ring[2] = "Ring has video-sharing partnerships with more than 400 police departments, the story says."
    rows.append(
        [
            "amazon-public-money",
            "How much public money has Amazon won?\nAmazon's public contracts",
            "Amazon has won £460million of public contracts in the past four years.",
            "Amazon has won £460million of public contracts in the past four years",
            "",
        ]
    )
    before = snapshot(kb_dir)
    # A European spreadsheet's CSV: semicolons between cells.
    done = import_csv(kb_dir, store, save(tmp_path / "edited.csv", rows, delimiter=";"), user_name="mod")

    assert done.added == ("amazon-public-money",)
    assert set(done.changed) == {"what-is-mijente", "ring-police-partnerships"}
    kb = load_knowledge(kb_dir)
    assert "Who leads Mijente?" in kb.entries["what-is-mijente"].questions
    assert kb.entries["ring-police-partnerships"].answer == ring[2]
    assert kb.entries["amazon-public-money"].questions == (
        "How much public money has Amazon won?",
        "Amazon's public contracts",
    )
    [change] = store.changes(10)
    assert change.id == done.change_id and change.action == "import" and change.user_name == "mod"
    assert "1 entries added, 2 changed" in change.summary
    after = snapshot(kb_dir)
    untouched = [f for f in before if f not in done.files]
    assert all(after[f] == before[f] for f in untouched)
    # Only the changed lines of a changed file differ: comments and the other entries stay as written.
    old, new = before["entries/activism.yaml"].decode(), after["entries/activism.yaml"].decode()
    assert new.replace("      - Who leads Mijente?\n", "", 1) == old


def test_an_import_that_changes_a_moderators_entry_and_adds_another_keeps_both(
    kb_dir: Path, store: Store, tmp_path: Path
) -> None:
    evidence = "Amazon has won £460million of public contracts in the past four years"
    rows = exported(kb_dir)
    rows.append(["amazon-public-money", "How much public money has Amazon won?", evidence + ".", evidence, ""])
    import_csv(kb_dir, store, save(tmp_path / "first.csv", rows))  # a new entry: into the moderators' file
    _, amazon = row_of(rows, "amazon-public-money")
    amazon[1] += "\nAmazon's public contracts"
    rows.append(["amazon-four-years", "Over how many years did Amazon win contracts?", "Four years.", evidence, ""])
    done = import_csv(kb_dir, store, save(tmp_path / "second.csv", rows))
    assert done.added == ("amazon-four-years",) and done.changed == ("amazon-public-money",)
    kb = load_knowledge(kb_dir)
    assert "Amazon's public contracts" in kb.entries["amazon-public-money"].questions  # the change is not lost
    assert kb.entries["amazon-four-years"].answer == "Four years."


def test_an_import_of_one_file_can_be_undone(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    rows = exported(kb_dir)
    _, mijente = row_of(rows, "what-is-mijente")
    mijente[1] += "\nWho leads Mijente?"
    before = snapshot(kb_dir)
    done = import_csv(kb_dir, store, save(tmp_path / "one.csv", rows))
    assert done.files == ("entries/activism.yaml",)
    KnowledgeEditor(kb_dir, store).undo()
    assert snapshot(kb_dir) == before


@pytest.mark.parametrize(
    ("entry_id", "column", "old", "new", "said"),
    [
        ("ring-police-partnerships", 3, "400", "900", "'900'"),  # a figure the evidence does not give
        ("ibm-walks-away", 3, "IBM was", "Google was", "'Google'"),  # a name it does not name
        ("ring-police-partnerships", 4, "video-sharing", "video-swapping", "not word for word"),
    ],
)
def test_an_import_the_evidence_does_not_back_is_refused_with_row_and_column(
    kb_dir: Path, store: Store, tmp_path: Path, entry_id: str, column: int, old: str, new: str, said: str
) -> None:
    rows = exported(kb_dir)
    number, cells = row_of(rows, entry_id)
    assert old in cells[column - 1]
    cells[column - 1] = cells[column - 1].replace(old, new, 1)
    before = snapshot(kb_dir)
    with pytest.raises(ImportRefused) as refused:
        import_csv(kb_dir, store, save(tmp_path / "bad.csv", rows))
    [problem] = refused.value.problems
    assert problem.startswith(f"bad.csv:{number}:{column}: ") and said in problem
    assert snapshot(kb_dir) == before and store.changes(10) == []


def test_every_row_problem_is_reported_at_once(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    rows = exported(kb_dir)
    rows[1][2] = "  "  # row 2: no answer
    rows[2][0] = "Not An Id"  # row 3
    rows[3][0] = rows[4][0]  # row 4 repeats row 5's id... reported at the second: row 5
    rows[6][4] = "no-such-source"  # row 7
    with pytest.raises(ImportRefused) as refused:
        import_csv(kb_dir, store, save(tmp_path / "many.csv", rows, bom=False))
    places = [p.split(": ", 1)[0] for p in refused.value.problems]
    assert places == ["many.csv:2:3", "many.csv:3:1", "many.csv:5:1", "many.csv:7:5"]


def test_a_header_without_the_columns_is_refused(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    path = save(tmp_path / "h.csv", [["id", "question", "answer"], ["x", "y", "z"]])
    with pytest.raises(ImportRefused) as refused:
        import_csv(kb_dir, store, path)
    assert refused.value.problems[0].startswith("h.csv:1:2: unknown column 'question'")
    assert "lacks phrasings, evidence" in refused.value.problems[1]


def test_a_phrasing_another_entry_has_is_refused_at_its_cell(kb_dir: Path, store: Store, tmp_path: Path) -> None:
    rows = exported(kb_dir)
    number, mijente = row_of(rows, "what-is-mijente")
    mijente[1] += "\n" + load_knowledge(kb_dir).entries["which-companies-paused"].questions[0]
    with pytest.raises(ImportRefused) as refused:
        import_csv(kb_dir, store, save(tmp_path / "p.csv", rows))
    assert refused.value.problems[0].startswith(f"p.csv:{number}:2: ")
    assert "also belongs to entry `which-companies-paused`" in refused.value.problems[0]


def test_the_cli_round_trips_and_refuses_with_row_and_column(
    kb_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "--format", "csv", "--kb", str(kb_dir)]) == 0
    capsys.readouterr()  # the CSV went to the binary stdout; its content is checked above
    rows = exported(kb_dir)
    number, ring = row_of(rows, "ring-police-partnerships")
    ring[2] = ring[2].replace("400", "900")
    assert cli.main(["import", str(save(tmp_path / "x.csv", rows)), "--kb", str(kb_dir), "--story", "nope"]) == 2
    assert "no story has the id 'nope'" in capsys.readouterr().err
    assert cli.main(["import", str(save(tmp_path / "x.csv", rows)), "--kb", str(kb_dir)]) == 1
    err = capsys.readouterr().err
    assert f"x.csv:{number}:3: " in err and "nothing was imported" in err
    ring[2] = ring[2].replace("900", "400") + " The story gives no more detail."
    assert cli.main(["import", str(save(tmp_path / "x.csv", rows)), "--kb", str(kb_dir)]) == 0
    assert "1 changed" in capsys.readouterr().out
    assert load_knowledge(kb_dir).entries["ring-police-partnerships"].answer == ring[2]
