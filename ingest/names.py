"""A gazetteer recognizer for person names that the statistical NER misses.

spaCy's small pipeline finds most full names but misses many lone first names,
names from outside its training data, and names in lower case. This recognizer
looks names up in first- and last-name lists (ingest/data, see its README) and
corroborates ambiguous ones (words that are also names, like "Will" or "Grace")
with their context: a title before them, a neighbouring name, or a cue word
such as "ask" or "ping".
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from ingest.name_lists import (
    CALENDAR,
    CJK_NAME,
    CUE_PHRASE,
    CUES_AFTER,
    CUES_BEFORE,
    HONORIFIC_SUFFIX,
    KOREAN_GIVEN_NAME,
    NAME_PARTICLES,
    PREFIXED_SURNAME,
    TITLE,
    WORD,
    all_names,
    english_words,
    first_names,
    fold,
    not_a_person,
    starts_sentence,
    stop_words,
    with_initials,
    word_list,
)

# WhatsApp, PagerDuty: product names, which do not grow a name (McKenzie, DeShawn do).
CAMEL_CASE = re.compile(r"^(?!Mc|Mac|De|Di|Da|La|Le|Van|Von|Du)[A-Z][a-z]+[A-Z]")


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
        self.names = all_names() | self.extra_names
        self.name_words = word_list("ambiguous_words.txt")
        self.regional = word_list("regional_first_names.txt")
        self.ambiguous = (
            self.name_words
            | word_list("not_names.txt")
            | stop_words()
            # The regional list was written without everyday words, so WordNet's proper
            # nouns (Lakshmi, Priya) do not make its names ambiguous.
            | (english_words() - self.extra_names - word_list("regional_first_names.txt"))
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
        for pattern in (HONORIFIC_SUFFIX, CJK_NAME):
            found.extend((m.start(), m.end()) for m in pattern.finditer(text))
        by_start = {w.start(): w for w in words}
        by_end = {w.end(): w for w in words}
        spans = [self._extend(text, by_start, by_end, span) for span in _join_adjacent(text, found)]
        return [
            RecognizerResult("PERSON", start, end, 0.6)
            for start, end in spans
            if not not_a_person(text, start, end)
        ]

    def _extend(
        self,
        text: str,
        by_start: dict[int, re.Match[str]],
        by_end: dict[int, re.Match[str]],
        span: tuple[int, int],
    ) -> tuple[int, int]:
        """Grow a name over the name-like words right beside it.

        Capitalised name-like words join (Ngo Van Minh), and so do initials
        before it (A. Chowdhury) and particles followed by one (Van den Broeck,
        de la Cruz, Costa e Silva).
        """
        start, end = span
        while (left := by_end.get(start - 1)) and text[start - 1] == " " and self._name_like(left):
            start = left.start()
        start = with_initials(text, start)
        while (right := by_start.get(end + 1)) and text[end] == " ":
            if self._name_like(right):
                end = right.end()
            elif right.group() in NAME_PARTICLES and (
                after := self._after_particles(by_start, right)
            ):
                end = after.end()
            else:
                break
        return start, end

    def _after_particles(
        self, by_start: dict[int, re.Match[str]], particle: re.Match[str]
    ) -> re.Match[str] | None:
        """The name-like word after one or two particles (de Souza, de la Cruz), if any."""
        after = by_start.get(particle.end() + 1)
        if after is not None and after.group() in NAME_PARTICLES:
            after = by_start.get(after.end() + 1)
        return after if after is not None and self._name_like(after) else None

    def _name_like(self, match: re.Match[str]) -> bool:
        word = match.group()
        key = fold(word)
        return (
            (word[:1].isupper() or bool(PREFIXED_SURNAME.match(word)))
            and not word.isupper()
            and not CAMEL_CASE.match(word)
            and key not in stop_words()
            and (key in self.names or key not in self.ambiguous)
        )

    def _is_name(self, text: str, words: list[re.Match[str]], index: int) -> bool:
        match = words[index]
        word = match.group()
        key = fold(word)
        before = words[index - 1] if index > 0 else None
        after = words[index + 1] if index + 1 < len(words) else None
        previous = before.group().lower() if before else ""
        prefixed = bool(PREFIXED_SURNAME.match(word))
        capitalised = (word[:1].isupper() or prefixed) and not word.isupper()
        if (word.isupper() and len(word) > 1) or CAMEL_CASE.match(word):
            return False  # acronyms and product names: SRE, PMO, HR, WhatsApp
        if word.islower():
            # Lower-case names are common in chat ("ask dave"); only unambiguous first names
            # count, short ones only from the curated regional list ("raj", "zoë", "ana-sofía").
            parts = key.split("-")
            known = all(part in self.first_names for part in parts)
            curated = all(part in self.regional for part in parts)
            return (
                known
                and key not in self.ambiguous
                and (
                    previous in CUES_BEFORE
                    or (len(key) >= 4 and key.rstrip("s") not in self.ambiguous)
                    or (curated and len(key) >= 3)
                )
            )
        if not capitalised or len(key) < 2:
            return False
        following = after.group().lower() if after else ""
        cued = (
            previous in CUES_BEFORE
            or following in CUES_AFTER
            or bool(CUE_PHRASE.search(text[max(0, match.start() - 24) : match.start()]))
        )
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
        mid_sentence = not starts_sentence(text, match.start())
        abbreviation = re.match(r"\.\s*\d", text[match.end() :]) is not None  # Art. 44
        if mid_sentence and key in self.name_words and key not in CALENDAR and not abbreviation:
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
