"""`storybot extract`: drafting a knowledge directory from an article a moderator brings.

What matters to the curator: every quotation is found word for word, a speaker is named only
where the text names one, the draft loads and validates, and nothing already on disk is lost.
"""

from __future__ import annotations

import os
import stat
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.curation.extract import (
    DRAFT_HEADER,
    Draft,
    extract,
    quote_quality,
    quote_spans,
    quotes_match,
    sentence_bounds,
    slugify,
    write_draft,
)
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import validate_knowledge
from bot.knowledge.model import Kind, KnowledgeBase, Speaker
from bot.knowledge.verbatim import SourceText

SHIPPED = bundled_knowledge_dir() / "sources" / "tech-police-surveillance-2020.txt"

# Curly quotes, a dateline, "told Reuters", a colon-introduced quote, a quotation of two
# sentences, "according to", a scare-quoted term and a quotation nobody is credited with.
COUNCIL = """City council approves $2.5 million flood barrier

RIVERTON — The Riverton city council voted 7-2 on Tuesday to spend $2.5 million on a flood barrier \
along the Mill River, according to Mayor Dana Whitfield.

“This is the most important vote we have taken in a decade. We cannot wait for the next storm,” \
Whitfield told Reuters after the meeting.

Councilman Tom Reyes, who voted against the plan, said: “The money should go to the schools first.”

The barrier will protect about 1,200 homes, according to the Riverton Water Authority.

Critics called the project “a vanity wall” and said the city had ignored cheaper options.

“Nobody asked the people who actually live by the river.”

Construction is due to start in March 2025.
"""

# Straight quotes, honorifics ("St.", "Dr.", "Mr."), "he said"/"she said" to resolve or not,
# an unnamed spokesman, "X says" and "X added".
STRIKE = """Hospital strike enters second week

Nurses at St. Mary's Hospital have been on strike for eight days. "We are exhausted and we are not \
going back until staffing improves," said Maria Lopez, a nurse in the intensive care unit. She has \
worked at the hospital for 12 years. "Every shift we are short by three or four people," she said.

A hospital spokesman said the talks would resume on Monday. "We remain committed to a fair \
agreement," the spokesman said.

The union's Jenkins says the hospital has offered only a 2% raise. "That is an insult," Jenkins added.

Dr. Alan Park, a professor of medicine at Westfield University, warned that patients were at risk. \
"Delays in care cost lives," he said. Mr. Park and Ms. Lopez spoke at a rally on Sunday. "We will \
win this," he said.
"""

# Hard-wrapped lines and one utterance split around its speaker.
LIBRARY = """Library to close on Sundays

The Oakdale Public Library will close on Sundays from next month, according
to a statement from the library board.

"We looked at every option," said Priya Natarajan, the library's director,
"and this was the least painful one."

According to Natarajan, Sunday visits have fallen by 40 percent since 2019.
"It's a sad day for the town," one reader said.
"""

# Wire copy: titles before names, a lowercase role before a name, "told reporters", "He added:".
SENATE = """WASHINGTON (Reuters) - The U.S. Senate on Thursday passed a $1.2 trillion spending bill, sending \
it to President Joe Biden, who is expected to sign it.

"This is a good day for the American people," Senate Majority Leader Chuck Schumer said on the Senate floor.

Republican Senator Mitch McConnell, however, said the bill "spends too much." He added: "We will revisit \
this next year."

The White House said in a statement that Biden would sign the bill on Friday. "The president looks \
forward to signing it," spokeswoman Karine Jean-Pierre told reporters.

Secretary of State Antony Blinken said: "It keeps our commitments abroad."

Officials said the vote was "historic". "It was chaos," said one aide, who asked not to be named.
"""


def draft_of(text: str, source_id: str = "article") -> Draft:
    return extract(text, source_id=source_id)


def speakers(draft: Draft) -> dict[str, str | None]:
    """Each drafted quotation and the name of whoever it is credited to."""
    named = {p.id: p.name for p in draft.people}
    return {q.text: named[q.speaker] if q.speaker else None for q in draft.quotes}


def note_of(draft: Draft, words: str) -> str:
    quote = next(q for q in draft.quotes if q.text.startswith(words))
    assert quote.speaker is None
    assert quote.attribution_note
    return quote.attribution_note


def person(draft: Draft, name: str) -> Speaker:
    found = next((p for p in draft.people if name in p.names), None)
    assert found is not None, f"{name} not among {[p.name for p in draft.people]}"
    return found


@pytest.fixture(scope="module")
def shipped() -> Draft:
    return extract(SHIPPED.read_text("utf-8"), source_id="tech-police-surveillance-2020")


@pytest.fixture(scope="module")
def curated() -> KnowledgeBase:
    return load_knowledge(bundled_knowledge_dir())


# --- The shipped article -------------------------------------------------------------------


def test_every_quotation_of_the_shipped_article_is_found_with_the_right_speaker(shipped: Draft) -> None:
    assert speakers(shipped) == {
        "I think broadly, tech companies want to have it both ways": "Evan Greer",
        "We can't survive without these technologies": "Geoffrey Alpert",
        "Some of these companies will get pressure internally from their employees, but also from the "
        "general public that is not going to believe their empty statements": "Gonzalez",
        "robust processes in place to ensure that our client engagements do not conflict with our values "
        "and long-standing opposition to all forms of discrimination.": "An IBM spokesperson",
        # "Greer said": the surname of the Evan Greer introduced earlier.
        "You have city councils and mayors who are now being forced to focus on over-policing and police "
        "violence as an issue": "Evan Greer",
        "Someone's going to sell it to the police to make money": None,
        "no place for hate and racism in our society.": "Satya Nadella",
        "Canceling these partnerships should be on the list of things that they are doing.": None,
        "I think it's absurd, really": "Chris Gilliard",
        # "He predicted": the sentence before names no one, the one before that only Chris Gilliard.
        "find another vendor": "Chris Gilliard",
    }


def test_every_drafted_quotation_is_word_for_word_in_the_article(shipped: Draft) -> None:
    source = SourceText.of(shipped.source.text)
    assert all(source.contains(q.text) for q in shipped.quotes)


def test_he_said_is_not_given_to_a_woman_the_story_calls_she(shipped: Draft) -> None:
    note = note_of(shipped, "Someone's going to sell it")
    assert '"he said"' in note and "Gonzalez" in note and '"she"' in note


def test_a_pronoun_reaches_back_over_a_sentence_that_names_no_one_and_says_so(shipped: Draft) -> None:
    quote = next(q for q in shipped.quotes if q.text == "find another vendor")
    assert quote.attribution_note is not None
    assert '"He predicted"' in quote.attribution_note and "2 sentences before" in quote.attribution_note
    assert shipped.check(quote) == 'speaker resolved from "He predicted"'


def test_a_pronoun_is_left_unresolved_when_nobody_is_named_for_several_sentences() -> None:
    text = (
        "The first talk was by Chris Gilliard. The hall was full. Chairs ran out. The doors closed. "
        '"Nobody expected this," he said.'
    )
    draft = draft_of(text)
    note = note_of(draft, "Nobody expected this")
    assert "names no one" in note and "Chris Gilliard" in note  # pointed out, not asserted


def test_a_quotation_without_attribution_is_not_given_to_the_person_named_before_it(shipped: Draft) -> None:
    note = note_of(shipped, "Canceling these partnerships")
    assert "no attribution" in note and "Chris Gilliard" in note


def test_a_scare_quoted_term_is_a_quoted_term_not_a_quotation_of_someone(shipped: Draft, tmp_path: Path) -> None:
    assert "digital redlining" in shipped.terms
    assert not any(q.text.startswith("digital redlining") for q in shipped.quotes)
    write_draft(shipped, tmp_path)
    assert '#   "digital redlining"' in (tmp_path / "quotes.yaml").read_text("utf-8"), "listed for the curator"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ('The board approved the "phone-free" policy on Monday, said Ann Lee.', "phone-free"),
        ("Critics called the stadium deal a “giveaway” for the owners.", "giveaway"),
        ('Officials said the vote was "historic".', "historic"),
        ('The so-called "emergency exception" lets teachers allow phones.', "emergency exception"),
    ],
)
def test_quoted_single_words_and_short_terms_are_not_quotations(text: str, term: str) -> None:
    draft = draft_of(text)
    assert draft.quotes == ()
    assert draft.terms == (term,)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ('"Absolutely," said Ann Lee.', "Absolutely"),
        ('A voice at the back shouted "Shame on you!" as the vote was read.', "Shame on you!"),
        ('Ann Lee said the plan would "cost us dearly."', "cost us dearly"),
    ],
)
def test_short_quotations_that_someone_says_are_kept(text: str, quote: str) -> None:
    assert [q.text for q in draft_of(text).quotes] == [quote]


def test_people_get_the_roles_and_affiliations_the_article_states(shipped: Draft) -> None:
    ids = {p.id: p for p in shipped.people}
    greer = person(shipped, "Evan Greer")
    assert (greer.kind, greer.role, "Greer" in greer.aliases) == (Kind.PERSON, "deputy director", True)
    assert greer.affiliation is not None and ids[greer.affiliation].name == "Fight for Our Future"
    assert ids[greer.affiliation].description == "A digital advocacy nonprofit."
    alpert = person(shipped, "Geoffrey Alpert")
    assert alpert.role == "criminology professor"
    assert alpert.affiliation is not None and ids[alpert.affiliation].name == "University of South Carolina"
    gilliard = person(shipped, "Chris Gilliard")
    assert gilliard.affiliation is not None and ids[gilliard.affiliation].name == "Macomb Community College"
    gonzalez = person(shipped, "Gonzalez")  # "Mijente's Gonzalez"
    assert gonzalez.affiliation is not None and ids[gonzalez.affiliation].name == "Mijente"
    assert "Mijente's Gonzalez" in gonzalez.aliases
    spokesperson = person(shipped, "IBM spokesperson")
    assert spokesperson.kind is Kind.PERSON and spokesperson.role == "unnamed spokesperson"
    assert spokesperson.affiliation is not None and ids[spokesperson.affiliation].name == "IBM"
    assert person(shipped, "Satya Nadella").role == "CEO"
    for organisation in ("Protocol", "IBM", "Mijente", "GMB union", "International Association of Chiefs of Police"):
        assert person(shipped, organisation).kind is Kind.ORGANISATION, organisation


def test_entries_are_drafted_from_sentences_with_figures_and_named_subjects(shipped: Draft) -> None:
    by_excerpt = {e.evidence[0].excerpt: e for e in shipped.entries}
    ring = next(e for excerpt, e in by_excerpt.items() if "more than 400 police departments" in excerpt)
    assert ring.questions == ("How many police departments?",)
    assert "400" in ring.keywords
    deals = next(e for excerpt, e in by_excerpt.items() if "39 taxpayer-funded deals" in excerpt)
    assert deals.about == (person(shipped, "GMB union").id,)
    greer = next(e for excerpt, e in by_excerpt.items() if "said Evan Greer" in excerpt)
    assert greer.questions == ("Who is Evan Greer?",)
    assert greer.quotes == (next(q.id for q in shipped.quotes if q.text.startswith("I think broadly")),)
    assert not greer.answer.startswith('""'), "a stray doubled quote is no part of an answer"


def test_the_draft_comes_close_to_the_curated_quotes(shipped: Draft, curated: KnowledgeBase) -> None:
    quality = quote_quality(shipped, curated)
    # Floors at the level measured when this was written (benchmarks/extract_quality.py): the two
    # curated statements printed without quotation marks are out of reach, and the curated
    # "digital redlining" is drafted as a quoted term, not a quotation.
    assert quality.text_precision == 1.0
    assert quality.text_recall >= 10 / 13
    assert quality.attribution_precision == 1.0, "never a wrong speaker"
    assert quality.attribution_recall == 1.0


# --- Articles of other kinds -----------------------------------------------------------------


def test_curly_quotes_told_reuters_colons_and_according_to() -> None:
    draft = draft_of(COUNCIL)
    assert speakers(draft) == {
        # Two sentences in one quotation, credited by the attribution after it.
        "This is the most important vote we have taken in a decade. We cannot wait for the next storm": (
            "Dana Whitfield"
        ),
        "The money should go to the schools first.": "Tom Reyes",
        "Nobody asked the people who actually live by the river.": None,
    }
    assert note_of(draft, "Nobody asked") == "The story gives these words no attribution."
    assert draft.terms == ("a vanity wall",)
    assert person(draft, "Reuters").kind is Kind.ORGANISATION
    assert person(draft, "Riverton Water Authority").kind is Kind.ORGANISATION
    assert person(draft, "Dana Whitfield").role == "Mayor"
    reyes = person(draft, "Tom Reyes")
    assert (reyes.role, reyes.description) == ("Councilman", "Voted against the plan")
    assert not any("Mill River" in p.names for p in draft.people), "a river is no person"
    money = next(e for e in draft.entries if "$2.5 million" in e.keywords)
    assert money.questions == ("What is the $2.5 million about?",)


def test_pronouns_are_resolved_only_when_the_text_leaves_no_doubt() -> None:
    draft = draft_of(STRIKE)
    assert speakers(draft) == {
        "We are exhausted and we are not going back until staffing improves": "Maria Lopez",
        # The sentence before names nobody ("She has worked ..."): the one before names only Lopez.
        "Every shift we are short by three or four people": "Maria Lopez",
        "We remain committed to a fair agreement": None,
        "That is an insult": "Jenkins",
        # Alan Park is the only person in the sentence before.
        "Delays in care cost lives": "Alan Park",
        # Park and Lopez are both named just before, but only Mr. Park is "he".
        "We will win this": "Alan Park",
    }
    assert '"the spokesman"' in note_of(draft, "We remain committed")
    both = draft_of('On Sunday, Alan Park met Tom Reyes. "We will win this," he said.')
    assert "Alan Park and Tom Reyes are both named just before" in note_of(both, "We will win this")
    park = person(draft, "Alan Park")
    assert park.role == "professor of medicine"
    assert person(draft, "St. Mary's Hospital").kind is Kind.ORGANISATION
    # "Jenkins" alone could be either; the curator is asked to check.
    assert draft.check(person(draft, "Jenkins"))


def test_wrapped_lines_and_a_quotation_split_around_its_speaker() -> None:
    draft = draft_of(LIBRARY)
    assert speakers(draft) == {
        "We looked at every option": "Priya Natarajan",
        "and this was the least painful one.": "Priya Natarajan",
        "It's a sad day for the town": None,
    }
    assert '"one reader"' in note_of(draft, "It's a sad day")
    natarajan = person(draft, "Priya Natarajan")
    assert natarajan.role == "director"  # "the library's director": the one library the story names
    assert natarajan.affiliation == person(draft, "Oakdale Public Library").id


def test_titles_and_roles_before_names_are_roles_not_names() -> None:
    draft = draft_of(SENATE)
    assert speakers(draft) == {
        "This is a good day for the American people": "Chuck Schumer",
        "spends too much": "Mitch McConnell",
        "We will revisit this next year.": "Mitch McConnell",
        "The president looks forward to signing it": "Karine Jean-Pierre",
        "It keeps our commitments abroad.": "Antony Blinken",
        "It was chaos": None,
    }
    roles = {name: person(draft, name).role for name in ("Chuck Schumer", "Mitch McConnell", "Antony Blinken")}
    assert roles == {
        "Chuck Schumer": "Senate Majority Leader",
        "Mitch McConnell": "Republican Senator",
        "Antony Blinken": "Secretary of State",
    }
    assert person(draft, "Karine Jean-Pierre").role == "spokeswoman"
    assert person(draft, "Joe Biden").role == "President"
    assert person(draft, "White House").kind is Kind.ORGANISATION
    assert draft.terms == ("historic",)
    assert '"one aide"' in note_of(draft, "It was chaos")


def test_a_name_inside_a_quotation_is_not_taken_for_its_speaker() -> None:
    draft = draft_of('"I never said Jane Smith was wrong," Bob Jones said. "Jane Smith said it," he added.')
    assert speakers(draft) == {"I never said Jane Smith was wrong": "Bob Jones", "Jane Smith said it": "Bob Jones"}
    assert not any("Jane Smith" in p.names for p in draft.people)


# --- Reading quotation marks and sentences ---------------------------------------------------


def test_stray_doubled_quote_marks_open_or_close_as_the_text_needs() -> None:
    text = 'It ended. ""I think so," she said. "One sentence. ""Another one," he said.'
    spans = quote_spans(text)
    assert [text[s.content_start : s.content_end].strip() for s in spans] == [
        "I think so,",
        "One sentence.",
        "Another one,",
    ]


def test_sentences_split_where_a_reader_would_split_them() -> None:
    text = (
        "Dr. Smith paid $2.5 million in Washington, D.C. But the U.S. government objected.It was "
        'late. "We will fight. We will win," she said. Amazon.com did not reply.'
    )
    bounds = sentence_bounds(text, quote_spans(text))
    assert [text[s:e] for s, e in bounds] == [
        "Dr. Smith paid $2.5 million in Washington, D.C.",
        "But the U.S. government objected.",
        "It was late.",
        '"We will fight. We will win," she said.',
        "Amazon.com did not reply.",
    ]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Evan Greer", "evan-greer"),
        ("We can't survive", "we-cant-survive"),
        ("Café Zürich", "cafe-zurich"),
        ("", "item"),
    ],
)
def test_ids_are_kebab_case(text: str, slug: str) -> None:
    assert slugify(text) == slug


# --- Writing, validating, not overwriting ----------------------------------------------------


@pytest.mark.parametrize(
    "text", [SHIPPED.read_text("utf-8"), COUNCIL, STRIKE, LIBRARY, SENATE], ids=["shipped", "a", "b", "c", "d"]
)
def test_the_draft_validates_and_loads(tmp_path: Path, text: str) -> None:
    draft = draft_of(text)
    write_draft(draft, tmp_path)
    kb, problems = validate_knowledge(tmp_path)
    assert problems == []
    assert kb is not None
    assert len(kb.quotes) == len(draft.quotes) and len(kb.entries) == len(draft.entries)
    assert [q.text for q in kb.quotes.values()] == [q.text for q in draft.quotes]


def test_every_file_is_marked_as_a_draft_and_easy_to_edit(tmp_path: Path, shipped: Draft) -> None:
    write_draft(shipped, tmp_path)
    for name in ("sources.yaml", "people.yaml", "quotes.yaml", "entries/draft.yaml"):
        text = (tmp_path / name).read_text("utf-8")
        assert text.startswith(DRAFT_HEADER + "\n"), name
        assert "{" not in text, "block style: no inline mappings to edit around"
    quotes = (tmp_path / "quotes.yaml").read_text("utf-8")
    assert "text: >-\n" in quotes, "long text is folded, not one endless line"
    assert '# check: speaker from "said Evan Greer"' in quotes
    assert max(len(line) for line in quotes.splitlines()) <= 120
    people = yaml.safe_load((tmp_path / "people.yaml").read_text("utf-8"))["people"]
    assert {"id": "protocol", "name": "Protocol", "kind": "organisation"} in people


def test_the_article_is_copied_byte_for_byte(tmp_path: Path) -> None:
    raw = "Headline\r\n\r\n“Quoted,” said Ann Lee.\r\nCafé prices rose 5%.\r\n".encode()
    article = tmp_path / "Local News 2024.txt"
    article.write_bytes(raw)
    assert main(["extract", str(article), "--out", str(tmp_path / "draft")]) == 0
    assert (tmp_path / "draft" / "sources" / "local-news-2024.txt").read_bytes() == raw
    kb = load_knowledge(tmp_path / "draft")
    assert kb.sources["local-news-2024"].title == "Headline"
    assert [(q.text, kb.speaker_label(q.speaker)) for q in kb.quotes.values()] == [("Quoted", "Ann Lee")]


def test_cli_takes_what_the_moderator_knows_and_leaves_the_rest_null(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(COUNCIL, encoding="utf-8")
    out = tmp_path / "draft"
    code = main(["extract", str(article), "--out", str(out), "--id", "Flood Vote", "--outlet", "Riverton Post"])
    assert code == 0
    assert "DRAFT" in capsys.readouterr().out
    source = yaml.safe_load((out / "sources.yaml").read_text("utf-8"))["sources"][0]
    assert source == {
        "id": "flood-vote",
        "title": "City council approves $2.5 million flood barrier",
        "text_file": "sources/flood-vote.txt",
        "outlet": "Riverton Post",
        "author": None,
        "date": None,
        "url": None,
    }
    assert main(["validate", "--kb", str(out)]) == 0
    assert main(["export", "--kb", str(out)]) == 0


def test_an_existing_draft_is_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(LIBRARY, encoding="utf-8")
    out = tmp_path / "draft"
    assert main(["extract", str(article), "--out", str(out)]) == 0
    curated_by_hand = "# curated by hand\nquotes: []\n"
    (out / "quotes.yaml").write_text(curated_by_hand, encoding="utf-8")
    assert main(["extract", str(article), "--out", str(out)]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (out / "quotes.yaml").read_text("utf-8") == curated_by_hand
    assert main(["extract", str(article), "--out", str(out), "--force"]) == 0
    assert (out / "quotes.yaml").read_text("utf-8").startswith(DRAFT_HEADER)


@pytest.mark.parametrize(("content", "message"), [(b"  \n", "empty"), (b"caf\xe9", "not UTF-8")])
def test_an_unusable_article_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    assert main(["extract", str(article), "--out", str(tmp_path / "draft")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "draft").exists()


# Article-like text: names, attributions, quote marks of every kind (doubled, curly, unbalanced),
# abbreviations, figures, missing spaces and line breaks.
_PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        '""',
        " ",
        ". ",
        ".",
        ",",
        "\n",
        "\n\n",
        "said",
        "told",
        "according to",
        "he",
        "she",
        "Evan Greer",
        "Greer",
        "Amazon's",
        "IBM",
        "An IBM spokesperson",
        "a professor at",
        "University of Oz",
        "Dr.",
        "D.C.",
        "$2.5 million",
        "400",
        "June 1",
        "2020",
        ":",
        "—",
        "’",
        "who",
        "saying",
        "GMB union",
        "Ms.",
        "?",
        "(",
        "\r\n",
        "é",
        "…",
    ]
)
_ARTICLES = st.lists(st.one_of(_PIECES, st.text(string.ascii_letters, max_size=6)), max_size=60).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ARTICLES)
def test_any_text_gives_a_draft_that_validates(text: str) -> None:
    draft = draft_of(text)
    source = SourceText.of(text)
    assert all(source.contains(q.text) for q in draft.quotes)
    if not text.strip():
        return
    with tempfile.TemporaryDirectory() as tmp:
        write_draft(draft, Path(tmp))
        assert validate_knowledge(Path(tmp))[1] == []


def test_quotes_match_when_equal_or_one_nearly_covers_the_other() -> None:
    assert quotes_match("I think it’s absurd,  really", "I think it's absurd, really")
    assert quotes_match("no place for hate and racism in our society", "no place for hate and racism in our society.")
    assert not quotes_match("find another vendor", "They will find another vendor to sell them tools")


def test_extract_never_imports_discord() -> None:
    code = (
        "import sys\nfrom bot.curation.extract import extract\n"
        "extract('\"Hi,\" said Ann Lee.', source_id='a')\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_draft_files_are_readable_by_others_as_any_saved_file(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(LIBRARY, encoding="utf-8")
    out = tmp_path / "draft"
    old = os.umask(0o022)
    try:
        assert main(["extract", str(article), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o644}


def test_extract_refuses_kb_rather_than_ignoring_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text(LIBRARY, encoding="utf-8")
    code = main(["extract", str(article), "--out", str(tmp_path / "draft"), "--kb", str(bundled_knowledge_dir())])
    assert code == 2
    assert "reads no knowledge directory" in capsys.readouterr().err
    assert not (tmp_path / "draft").exists()


# --- Better drafts: speakers, roles, kinds, one entity per name, titles, entries ---------------

SCHOOLS = """Board backs later start for Harlow schools

Harlow schools will start classes an hour later from September, the Harlow Unified School District \
(HUSD) said on Tuesday. The vote was 5-2.

"Teenagers need the sleep," said Dana Whitfield, a data scientist at Lakeshore University who studies \
adolescent health. "The research is very clear on that."

Council member Ana Ruiz said the change would strain bus routes across Harlow. "We will need more \
drivers," she said.

The district's transport contractor, Northgate Vision, a logistics company based in Milton, said its \
buses were ready. Northgate Vision has run the routes since 2019.

Parents on Elm Street and in Milton County were divided. The club's chairman, Tom Beck, said the \
Harlow Rowing Club would move its morning practice. HUSD will review the schedule in 2027.
"""


@pytest.fixture(scope="module")
def schools() -> Draft:
    return draft_of(SCHOOLS)


def test_a_quotation_split_by_its_attribution_keeps_its_speaker(schools: Draft) -> None:
    assert speakers(schools)["The research is very clear on that."] == "Dana Whitfield"
    quote = next(q for q in schools.quotes if q.text == "The research is very clear on that.")
    assert schools.check(quote) == "speaker carried over from the quotation in the sentence before"


def test_a_quotation_alone_in_a_new_paragraph_is_not_carried_over() -> None:
    draft = draft_of('"We won," said Ann Lee.\n\n"Nobody told us anything."\n')
    assert speakers(draft) == {"We won": "Ann Lee", "Nobody told us anything.": None}


def test_appositions_before_and_after_a_name_give_roles_and_affiliations(schools: Draft) -> None:
    ids = {p.id: p.name for p in schools.people}
    whitfield = person(schools, "Dana Whitfield")
    assert (whitfield.role, ids.get(whitfield.affiliation or "")) == ("data scientist", "Lakeshore University")
    ruiz = person(schools, "Ana Ruiz")
    assert ruiz.role == "Council member"
    beck = person(schools, "Tom Beck")
    assert (beck.role, ids.get(beck.affiliation or "")) == ("chairman", "Harlow Rowing Club")


def test_organisations_that_look_like_names_are_organisations(schools: Draft) -> None:
    vision = person(schools, "Northgate Vision")
    assert vision.kind is Kind.ORGANISATION
    assert "Vision" not in vision.aliases, "no surname for a company"
    assert schools.check(vision), "the curator is told why"


def test_places_are_listed_not_drafted_as_organisations(schools: Draft, tmp_path: Path) -> None:
    assert {"Harlow", "Elm Street", "Milton County"} <= set(schools.places)
    drafted = {n for p in schools.people for n in p.names}
    assert not drafted & set(schools.places)
    write_draft(schools, tmp_path)
    people = (tmp_path / "people.yaml").read_text("utf-8")
    assert "# Places the article names" in people and "Milton County" in people


def test_one_entity_per_name_abbreviations_merged(schools: Draft) -> None:
    district = person(schools, "Harlow Unified School District")
    assert district.kind is Kind.ORGANISATION and "HUSD" in district.aliases
    assert sum(1 for p in schools.people if "HUSD" in p.names) == 1
    draft = draft_of(
        "The Federal Bureau of Investigation opened a case. Agents from the FBI visited twice. "
        "The FBI declined to comment."
    )
    fbi = person(draft, "FBI")
    assert fbi.name == "Federal Bureau of Investigation"
    assert sum(1 for p in draft.people if p.kind is Kind.ORGANISATION) == 1


def test_the_title_is_the_headline_or_a_placeholder_to_check(schools: Draft, shipped: Draft) -> None:
    assert schools.source.title == "Board backs later start for Harlow schools"
    assert schools.checks.get("source") is None
    # The shipped article starts with its text: no cut-off first sentence, a placeholder to fill in.
    assert not shipped.source.title.startswith("Amazon and Microsoft")
    assert shipped.checks.get("source")


def test_the_title_placeholder_is_marked_in_sources_yaml(tmp_path: Path) -> None:
    draft = draft_of("The council voted on Tuesday. It spent $2 million on roads.\nMore follows.")
    write_draft(draft, tmp_path)
    sources = (tmp_path / "sources.yaml").read_text("utf-8")
    assert "# check: no headline-like first line" in sources
    assert validate_knowledge(tmp_path)[1] == []


def test_every_described_person_gets_a_who_is_entry(schools: Draft) -> None:
    questions = {q for e in schools.entries for q in e.questions}
    for name in ("Dana Whitfield", "Ana Ruiz", "Tom Beck"):
        assert f"Who is {name}?" in questions, name
    beck = next(e for e in schools.entries if e.questions == ("Who is Tom Beck?",))
    assert "chairman" in beck.answer and "Tom Beck" in beck.evidence[0].excerpt
    assert any(q.startswith("How many") or "2027" in q or "2019" in q for q in questions), "figures and dates"


def test_the_improved_draft_still_validates(schools: Draft, tmp_path: Path) -> None:
    write_draft(schools, tmp_path)
    assert validate_knowledge(tmp_path)[1] == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Work starts at Fenwick Park, the city's oldest stadium, in May. Fenwick Park opened in 1921.",
            "Fenwick Park",
        ),
        ("The route runs along Harbor Point and past the docks. Harbor Point floods often.", "Harbor Point"),
        ("Voters in East Ashford rejected the plan. East Ashford has 4,000 homes.", "East Ashford"),
        ('"It is too late," said Maria Diaz of Ashford. Ashford has one school.', "Ashford"),
    ],
)
def test_places_are_told_by_what_stands_around_them(text: str, place: str) -> None:
    draft = draft_of(text)
    assert place in draft.places
    assert not any(place in p.names for p in draft.people)


def test_a_role_is_a_noun_for_a_person_not_a_place_or_a_thing() -> None:
    draft = draft_of(
        "Crews cleared Marlow Yard, the former rail yard, on Monday. Marlow Yard will hold 600 cars. "
        "Dana Whitfield, a data scientist, counted them."
    )
    assert person(draft, "Dana Whitfield").role == "data scientist"
    assert not any(p.role == "former rail yard" for p in draft.people)


def test_a_possessive_place_in_an_appositive_does_not_make_a_place() -> None:
    draft = draft_of(
        "The council voted to lend $40 million for an arena for Brookfield Rovers, the city’s minor-league "
        "hockey team. Brookfield Rovers will sign a 25-year lease, the club said."
    )
    assert "Brookfield Rovers" not in draft.places
    assert person(draft, "Brookfield Rovers").kind is Kind.ORGANISATION


def test_a_name_repeated_in_full_and_never_by_surname_is_an_organisation() -> None:
    draft = draft_of(
        "The city hired Keystone Harper to run the buses. Keystone Harper won the contract in 2024. "
        'Drivers said Keystone Harper pays well. "We are hiring," said Ann Lee, a driver.'
    )
    assert person(draft, "Keystone Harper").kind is Kind.ORGANISATION
    assert person(draft, "Ann Lee").kind is Kind.PERSON
