"""The words extraction knows: general English (speech verbs, titles, organisation words), never a story's."""

from __future__ import annotations

import re
from pathlib import Path

from bot.answering.normalize import STOPWORDS as FILLER
from bot.knowledge.naming import QUESTION_WORDS, slugify


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


QUOTE_MARKS = '"“”„‟'
CLOSING_ONLY = "”"
TERMINATORS = ".!?…"
QUOTE_MASK = "\x00"  # stands in for quoted words, so names inside quotations are never read as speakers

SPEECH_VERBS = _wordset(
    "said says say told tells added adds wrote writes explained explains noted notes argued argues "
    "warned warns stated states asked asks replied replies recalled recalls predicted predicts "
    "insisted insists claimed claims continued continues acknowledged acknowledges admitted admits "
    "declared declares announced announces tweeted tweets posted saying adding"
)
# Verbs that put the speaker after them: `"...," said Ana Reyes`.
INVERTIBLE = _wordset(
    "said says added adds wrote writes explained explains noted notes argued argues warned warns "
    "asked asks replied replies recalled recalls continued continues insisted insists"
)
BEFORE_VERB = _wordset(
    "also later then has had have previously once recently again further would will never repeatedly "
    "publicly reportedly had"
)
PASSIVE = _wordset("was were been be is are being")
PRONOUNS = {"he": "he", "she": "she", "they": None, "it": None, "we": None, "i": None}
HE_WORDS, SHE_WORDS = _wordset("he him his himself"), _wordset("she her hers herself")

# "and" is left out: "Globex and Initech" is two names far more often than one.
CONNECTORS = _wordset("of for the & de del da di du van von der den la le al bin on")
MONTHS = _wordset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_DAYS = _wordset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
WEEKDAY = re.compile(r"\b(?:on\s+)?(?:" + "|".join(_DAYS) + r")\b")
# Capitalised words that begin sentences or clauses rather than names.
NOT_NAMES = (
    _wordset(
        "A An The But And Or Nor So Yet In On At When While After Before Since Then Also However Meanwhile "
        "This That These Those It Its He She They We I You His Her Their Our My Your Him Them Us Me As If "
        "Although Though Because Despite Unlike Like For With Without Instead According Last Next Earlier "
        "Later Now Today Yesterday Tomorrow Here There What Who Whom Whose Why How Where Which Some Many "
        "Most All Both Each Every One Two Three Other Another Such Even Still Only Just By From To Into "
        "Over Under During Among Between Through Across Around Against Not No Yes Please Thanks Mr Mrs Ms "
        "Dr Prof Sir Madam Someone Somebody Anyone Nobody Everyone Many Few Several Until Unless Whether "
        "Once Do Does Did Is Are Was Were Will Would Can Could Should May Might Must Let Let's Said Says"
    )
    | MONTHS
    | _DAYS
    | {f"{day}s" for day in _DAYS}
)
TITLES = _wordset(
    "Mr Mrs Ms Miss Dr Prof Professor Sen Senator Rep Representative Gov Governor Mayor President CEO "
    "Chief Executive Director Judge Justice Officer Sheriff Detective Sgt Sergeant Lt Lieutenant Capt "
    "Captain Commissioner Minister Secretary Chairman Chairwoman Chair Councilman Councilwoman "
    "Councilmember Rev Reverend Gen General Col Colonel Deputy Superintendent Attorney Chancellor "
    "Premier Inspector Constable Spokesperson Spokesman Spokeswoman Leader Speaker Whip Ambassador Founder"
)
HONORIFICS = _wordset("Mr Mrs Ms Miss Dr Sir Madam Mx")
TITLE_OR_NAME = _wordset("General Justice Chief Executive Director Deputy Chair Premier Officer Attorney Secretary")
HONORIFIC_GENDER = {"Mr": "he", "Mrs": "she", "Ms": "she", "Miss": "she", "Sir": "he"}
ABBREVIATIONS = _wordset(
    "Mr Mrs Ms Dr Prof St Sen Rep Gov Gen Lt Col Capt Sgt Rev Hon Mt Ft No Nos vs v Ave Blvd Dept Univ "
    "Assn Adm Cmdr Maj Supt Det Insp Pres Fig approx est Jan Feb Mar Apr Aug Sep Sept Oct Nov Dec"
)
MAYBE_FINAL = _wordset("Inc Corp Co Ltd Jr Sr Bros LLC Plc etc")
SENTENCE_STARTERS = _wordset(
    "The A An But And In It He She They We I This That These Those There However Meanwhile Since After "
    "When While As On At For If Although Yet So Still His Her Their Its Our Some Many Most Now Then Last "
    "Other One According What Why How Who"
)
ORG_WORDS = _wordset(
    "Inc Corp Corporation Co Company Ltd LLC Plc Group Holdings University College Institute School Academy "
    "Union Association Council Department Dept Agency Bureau Office Ministry Commission Committee Board "
    "Authority Administration Foundation Fund Trust Society Alliance Coalition Federation Organization "
    "Organisation League Party Congress Senate Parliament Assembly Government Court Police Army Navy Force "
    "Services Service Center Centre Hospital Bank Network News Press Times Post Journal Herald Tribune "
    "Guardian Telegraph Gazette Chronicle Radio Television Magazine Media Reuters Labs Laboratories "
    "Technologies Systems Partners Project Campaign Initiative Club Church Museum Library House "
    "FC AFC Clinic Health Healthcare Medical Energy Solutions Software Studios Capital Ventures "
    "Consulting Associates Airlines Motors Foods Pharmaceuticals Insurance Cooperative Conservancy "
    "LLP LP PLLC GmbH AG"
)
# The last word of a place's name: "Elm Street", "Harlow County", "Riverside Stadium", "Mill River".
PLACE_WORDS = _wordset(
    "Street St Avenue Ave Road Rd Boulevard Blvd Lane Drive Way Square Plaza Park Parkway Highway Bridge "
    "River Lake Creek Bay Harbor Harbour Island Beach Mountain Mountains Hill Hills Valley Heights Falls "
    "County Township Village City Town Province Stadium Arena Field Fields Ballpark Coast Forest Airport "
    "District Complex Grounds Fairgrounds Pier Wharf Waterfront Yards Quarter Station Mall Campus Neighborhood "
    "Neighbourhood Point Landing Crossing Junction Gardens Commons Green Row Place Circle Terrace Trail Pike "
    "Turnpike Expressway Freeway Port Docks Dock Marina Shore Shores Cove Canyon Ridge Peak Grove Meadows "
    "Meadow Woods Plains Springs Flats Bluff"
)
# Nouns that say an appositive names a place: "Fenwick Park, the city's oldest stadium".
PLACE_NOUNS = _wordset(
    "town city village suburb county neighborhood neighbourhood borough region state country province "
    "stadium arena ballpark park street road avenue site venue field building lot square plaza area "
    "district complex waterfront island river lake beach bridge highway yard yards grounds ground pitch home "
    "depot warehouse mill factory plant terminal facility property parcel land tract mall corridor "
    "riverfront ward precinct campus"
)
# The first word of a place's name: "East Ashford", "Port Ellis", "Mount Vernon", "San Mateo".
PLACE_PREFIXES = _wordset(
    "North South East West Northeast Northwest Southeast Southwest New Old Upper Lower Port Fort "
    "Mount Mt Lake San Santa Saint Glen"
)
# Institutions named after their town ("Harlow University"): their first word alone is the town.
INSTITUTION_WORDS = _wordset(
    "University College School Schools Academy Council Department Police Hospital Board Authority Library "
    "Museum Church Court Commission Committee Government Assembly Clinic District Club FC AFC City County"
)
# The last word of a school's short name: "Lincoln High", "Oak Grove Elementary".
SCHOOL_SUFFIXES = _wordset("High Middle Elementary Primary Secondary Prep Preparatory Intermediate")
# "Harlow Unified School District", "Kent Water District": a district that is a body, not a neighbourhood.
DISTRICT_BODIES = _wordset(
    "School Schools Water Fire Park Parks Utility Sanitation Hospital Transit Library Irrigation"
)
# "mayor of Riverton", "a resident of Ashford": roles whose "of" names a place, not an employer.
PLACE_ROLES = _wordset(
    "mayor governor premier senator sheriff resident residents native citizen councilman councilwoman "
    "councillor councilor representative"
)
# Place words that are also common surnames ("Alan Park"): such a name is a place only where places go.
SURNAME_PLACE_WORDS = _wordset("Park Hill Hills Field Fields Lane Way Brook Wood Banks Rivers Lake Street Bay")
# Words before a one-word name that make it a place: "in Riverton", "the town of Ashford".
PLACE_LEADS = re.compile(
    r"(?:\b(?:in|near|outside|across|throughout|around|downtown|along|behind|beside|opposite|toward|towards)"
    r"|\bnext to|\bacross from|"
    r"\b(?:city|town|village|county|state|province|suburb|borough) of)\s+$",
    re.IGNORECASE,
)
# Nouns that say an appositive names an organisation: "Northgate Vision, a software company, ...".
ORG_NOUNS = _wordset(
    "company firm vendor contractor subcontractor nonprofit non-profit charity group agency organisation "
    "organization startup start-up business corporation publisher developer maker manufacturer provider "
    "supplier operator retailer chain brand utility team club union association network consultancy "
    "subsidiary insurer lender bank school hospital clinic district department gang crew outfit collective "
    "coalition alliance campaign caucus committee council league conference federation syndicate cartel"
)
ORG_SUFFIX_LOWER = _wordset(
    "union group party council coalition campaign foundation institute agency department committee network"
)
_NOT_ORG_ACRONYMS = _wordset(
    "CEO CFO CTO COO US USA UK TV AI OK PM AM DNA GDP ID PHD LGBT LGBTQ PR IT II III IV FAQ COVID HIV AIDS "
    "GPS USB PDF VR AR"
)
# Nouns that name an unnamed speaker: "a police spokesman said", "officials said".
GENERIC_SPEAKERS = _wordset(
    "spokesperson spokesman spokeswoman representative official officials executive executives lawyer "
    "lawyers attorney attorneys company statement source sources police department researcher researchers "
    "analyst analysts critics experts residents protesters activists organizers organisers witnesses "
    "people employees union group agency report study government ministry office"
)
SPOKES = _wordset("spokesperson spokesman spokeswoman representative official executive lawyer attorney")
ROLE_NOUNS = (
    SPOKES
    | {t.lower() for t in TITLES}
    | _wordset("professor analyst researcher economist activist founder manager leader organizer organiser chairman")
)
# Nouns that end a role written before a name or in an appositive: "Council member Ana Ruiz",
# "the club's chairman, Tom Beck".
ROLE_WORDS = (ROLE_NOUNS - ORG_NOUNS) | _wordset(
    "member owner co-owner chair chairwoman president vice-president principal teacher coach captain head "
    "scientist engineer nurse doctor physician surgeon student parent resident worker employee trustee "
    "councillor councilor treasurer administrator consultant expert specialist historian reporter editor "
    "pastor coordinator organiser volunteer officer executive ceo cfo coo cto player"
)
DETERMINERS = _wordset("a an the one two several some many")
# Words that meet a name or a quotation without being part of it: the words answering skips as filler,
# the question words, and the grammar words answering keeps because they change what a question asks
# ("not", "since", "every") but that never name anything.
GRAMMAR_WORDS = _wordset(
    "not no yes only all both each every after before during until since once further because although though while s t"
)
FUNCTION_WORDS = FILLER | QUESTION_WORDS | GRAMMAR_WORDS
_NUMBER_WORDS = _wordset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "hundreds thousand thousands million millions billion billions dozen dozens percent"
)
_COUNT_WORDS = _wordset(
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "hundreds thousand thousands millions billions dozen dozens"
)
_TIME_UNITS = _wordset("years year months month weeks week days day hours hour minutes decades times")
NP_STOP = FUNCTION_WORDS | _TIME_UNITS | {"per", "across", "percent", "cent"}
FIGURE_COMPOUND = re.compile(
    r"\b((?:\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")-(?:year|month|week|day|hour|minute|"
    r"percent|point|mile|person|member|page)(?:-old|-long)?\s+[a-z][\w-]+)",
    re.IGNORECASE,
)
VERBISH = _wordset(
    "seems seem took raises raise believes believe calls call faces face got won became issued makes made "
    "says said claims wants want needs need thinks think knows know shows show"
)

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+(?:['’][^\W_]+)*)*|\S")
MONEY = re.compile(
    r"[£$€¥]\s?\d[\d,.]*\s?(?:million|billion|trillion|bn|m|k)?\b"
    r"|\b\d[\d,.]*\s?(?:million|billion|trillion)?\s?(?:dollars|pounds|euros|yen)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
DAY_DATE = re.compile(r"\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+\d{1,2}\b")
RELATIVE_DATE = re.compile(
    r"\b(?:last|this|next|past)\s+(?:week|weekend|month|year|decade|" + "|".join(_DAYS).lower() + r")\b",
    re.IGNORECASE,
)
FIGURE = re.compile(
    r"\d|[£$€¥%]|\b(?:" + "|".join(sorted(_NUMBER_WORDS - {"one"}, key=len, reverse=True)) + r")\b"
    r"|\b(?:" + "|".join(sorted(MONTHS | _DAYS, key=len, reverse=True)) + r")\b",
)
COUNT = re.compile(
    r"(?<![£$€¥\d.,])\b(\d[\d,]*|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + r")\b(?![-.,]?\d)",
    re.IGNORECASE,
)


def source_id_for(path: Path) -> str:
    return slugify(path.stem, max_words=8)


def unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def squash(text: str) -> str:
    return " ".join(text.split())


def is_acronym(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,5}", word)) and word.upper() not in _NOT_ORG_ACRONYMS


def strip_possessive(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def starts_word(char: str) -> bool:
    return char.isalnum() or char in "‘'…([£$€"


# Words that introduce a quoted term rather than someone's words: `the "phone-free" policy`,
# `a "giveaway"`, `so-called "experts"`, `described it as "a vanity wall"`.
TERM_LEADS = _wordset(
    "a an the this these those its their his her our your my so-called called dubbed termed named labelled labeled as"
)
