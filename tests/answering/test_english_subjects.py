"""The general English of news questions, subject by subject: a reader's everyday, British or chat word meets
the word a knowledge base uses, and a word with another everyday meaning stays apart (a wrong merge turns a
kind decline into a confident wrong answer)."""

from __future__ import annotations

import pytest

from bot.answering.normalize import ENGLISH, Vocabulary


def terms(vocab: Vocabulary, text: str) -> list[str]:
    return [vocab.term(w) for w in vocab.words(text) if not vocab.is_filler(w)]


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        # money and prices, law and courts
        ("shortfall", "deficit"),
        ("downturn", "recession"),
        ("magistrate", "judge"),
        ("jurors", "jury"),
        ("testimony", "testified"),
        # jobs and strikes
        ("walkout", "strike"),
        ("struck", "strikes"),
        ("dismissed", "fired"),
        ("redundancies", "layoffs"),
        ("personnel", "staff"),
        # crime and police
        ("officers", "police"),
        ("homicide", "murder"),
        ("looting", "theft"),
        ("gunman", "shooter"),
        # health, transport, housing, schools
        ("gp", "doctor"),
        ("meds", "medication"),
        ("vaxxed", "vaccinated"),
        ("motorists", "drivers"),
        ("streetcar", "tram"),
        ("freeway", "highway"),
        ("lorry", "truck"),
        ("flatmate", "roommate"),
        ("headteacher", "principal"),
        ("kindergarten", "preschool"),
        # government and elections, business, technology
        ("nominees", "candidates"),
        ("parliament", "legislature"),
        ("victory", "won"),
        ("takeover", "acquisition"),
        ("shareholders", "investors"),
        ("adverts", "advertising"),
        ("breach", "hacked"),
        ("information", "data"),
        ("blackouts", "outages"),
        # weather and disasters, sports, everyday life
        ("typhoon", "hurricane"),
        ("bushfire", "wildfire"),
        ("downpour", "rainfall"),
        ("fixture", "game"),
        ("umpire", "referee"),
        ("granny", "grandmother"),
        ("rubbish", "garbage"),
        ("queued", "waitlist"),
        ("turnout", "attendance"),
        # British and chat
        ("chuffed", "pleased"),
        ("gobsmacked", "shocked"),
        ("kids", "children"),
        ("kiddos", "children"),
        ("criticised", "backlash"),
        ("stated", "said"),
        ("sector", "industry"),
        ("rethink", "reconsider"),
        # a noun the stemmer leaves apart from its verb or adjective
        ("explosion", "exploded"),
        ("disclosure", "disclosed"),
        ("emissions", "emit"),
        ("depth", "deep"),
        ("safety", "safe"),
        ("transferred", "moved"),
        # a comparative or superlative meets its adjective
        ("longest", "long"),
        ("strongest", "strong"),
        ("lowest", "low"),
        ("worst", "bad"),
    ],
)
def test_words_of_news_questions_meet(english: Vocabulary, said: str, meant: str) -> None:
    assert english.term(said) == english.term(meant)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # words whose stems met: each pair is two words in every story
        ("state", "said"),
        ("office", "police"),
        ("questions", "suspicious"),
        ("busy", "business"),
        ("positive", "position"),
        ("responsible", "response"),
        ("good", "goods"),
        ("public", "publication"),
        ("critical", "criticism"),
        ("report", "reporter"),
        ("informal", "informed"),
        ("provide", "provider"),
        ("author", "authority"),
        ("research", "researcher"),
        ("majority", "major"),
        # a word with another everyday meaning stays out of a group
        ("flat", "apartment"),  # a flat fee
        ("row", "dispute"),  # three years in a row
        ("charge", "fee"),  # charged with murder
        ("store", "shop"),  # data stored
        ("administration", "government"),  # a hospital's management
        ("throw", "reject"),
    ],
)
def test_words_with_another_meaning_stay_apart(english: Vocabulary, one: str, other: str) -> None:
    assert english.term(one) != english.term(other)


@pytest.mark.parametrize(
    ("asked", "plain"),
    [
        ("how many flats were built", "how many apartments were built"),
        ("she rents a flat in the centre", "she rents an apartment in the center"),
        ("the block of flats", "the apartment building"),
        ("is there a car park", "is there a parking lot"),
        ("the row over funding", "the dispute over funding"),
        ("when did the nurses walk off the job", "when did the nurses strike"),
        ("how many got the sack", "how many fired"),
        ("how many were let go", "how many were fired"),
        ("how many were made redundant", "how many were laid off"),
        ("how many pensioners", "how many retirees"),
        ("how many co-workers", "how many coworkers"),
        ("did the plan get the green light", "was the plan approved"),
        ("the primary school", "the elementary school"),
        ("a power cut", "an outage"),
        ("how many homes lost power", "how many homes had an outage"),
        ("how much will the council put its rents up", "how much will the council increase its rents"),
        ("when did they put up fares", "when did they increase fares"),
        ("how long is the ride on the school coach", "how long is the ride on the school bus"),
        ("why did they close it in the first place", "why did they close it"),
        ("why is the mayor catching heat", "why is the mayor facing pressure"),
        ("how many pupils have to switch schools", "how many pupils have to move schools"),
        ("the firm took flak for the plan", "the firm faced pressure for the plan"),
        ("the protest outside the admin building", "the protest outside the administration building"),
        ("how many poorly patients were moved", "how many sick patients were moved"),
        ("how much did the repairs cost in total", "how much did the repairs cost"),
        ("were they without electricity for long", "was the outage long"),
        ("why did the power go out", "why was there an outage"),
        ("the street had no power for a week", "the street had an outage for a week"),
        ("what personal details were taken", "what personal data were taken"),
        ("how long is the waiting list", "how long is the waitlist"),
        ("what's the point of the new line", "what is the purpose of the new line"),
        ("on what date did it open", "when did it open"),
        ("how many ppl w/o a job", "how many people without a job"),
        ("the govt's plan bc of the cuts", "the government's plan because of the cuts"),
        ("how many wks", "how many weeks"),
        ("the protest in Washington, D.C.", "the protest in washington dc"),
        ("what did the U.S. say", "what did the us say"),
        ("what could the deal turn into", "what could the deal become"),
        ("what has she been posting on twitter", "what has she tweeted"),
        ("what could it become, according to the union", "what could it become the union"),
        ("who was goin to pay", "who was going to pay"),
        ("what happened on the 23rd", "what happened on the 23"),
        ("was it on march 14th", "was it on march 14"),
        ("which councillor said no to the budget", "which councillor opposed the budget"),
        ("who said nah to the plan", "who opposed the plan"),
        ("who gets to decide", "who decides"),
        ("where were the patients sent to", "where were the patients moved to"),
        ("how long could the appeal hold things up", "how long could the appeal delay things"),
        ("how broke is the city", "how big a deficit is the city"),
        ("did the chain go broke", "did the chain go bankrupt"),
    ],
)
def test_a_british_or_chat_phrase_reads_as_the_plain_words(english: Vocabulary, asked: str, plain: str) -> None:
    assert terms(english, asked) == terms(english, plain)


@pytest.mark.parametrize(
    ("kept", "not_read_as"),
    [
        ("a flat fee", "apartment"),
        ("prices stayed flat", "apartment"),
        ("three years in a row", "dispute"),
        ("police use by amazon", "expiration"),  # a "use by" date, not a use by someone
        ("decided to let people vote", "rent"),
        ("buses get a green light", "approval"),
        ("they put up posters", "increase"),
        ("the football coach", "bus"),
        ("the heat wave", "pressure"),
        ("a poorly run hospital", "sick"),
    ],
)
def test_the_other_meanings_of_a_phrase_s_words_are_kept(english: Vocabulary, kept: str, not_read_as: str) -> None:
    assert english.term(not_read_as) not in terms(english, kept)


def test_a_word_belongs_to_one_synonym_group(english: Vocabulary) -> None:
    """Two groups that share a word (or a stem) would silently give it to the first: each stem has one group."""
    owner: dict[str, str] = {}
    for group in ENGLISH.synonyms:
        for word in group:
            root = english.root(word)
            assert owner.setdefault(root, group[0]) == group[0], f"{word!r} is in {group[0]!r} and {owner[root]!r}"
