"""The PII recognizers Barometer adds to Presidio, registered by entity name.

Each factory returns Presidio recognizers for one entity type: spaCy's NER and
a name-list recognizer for PERSON, Presidio's IP recognizer, patterns and a
trained model (``ingest.address_model``) for ADDRESS, and patterns for the
rest. EMAIL, URL and PHONE use the project's own patterns rather than
Presidio's: those validate domains against the public suffix list, which
tldextract tries to download at run time, and they reject the internal hosts
(``.corp``, ``.internal``) that company posts are full of. EMPLOYEE_ID formats
come from settings; an id a post labels as one ("employee id 4471203") is found
whatever its format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import IpRecognizer, SpacyRecognizer

from core.errors import ConfigError
from ingest.address_model import AddressModelRecognizer
from ingest.addresses import AddressPatternRecognizer
from ingest.anonymize import ENTITY_TYPES
from ingest.name_lists import PUNCTUATION, is_plain_word, not_a_person, with_initials
from ingest.names import CAMEL_CASE, NameListRecognizer

CASE_SENSITIVE = re.DOTALL | re.MULTILINE
IGNORE_CASE = CASE_SENSITIVE | re.IGNORECASE
_URL_TAIL = r"""[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]"""

EMAIL_PATTERNS = (
    Pattern("email", r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+", 0.9),
    # spelled out to dodge scrapers: "jo dot li at example dot com", "jo [at] corp [dot] io"
    Pattern(
        "email_spelled_out",
        r"\b[a-z0-9_-]+(?:\s*(?:\.|\bdot\b|\[dot\]|\(dot\))\s*[a-z0-9_-]+)*"
        r"\s*(?:\[at\]|\(at\)|\bat\b)\s*[a-z0-9-]+"
        r"(?:\s*(?:\[dot\]|\(dot\)|\bdot\b)\s*[a-z0-9-]+)+\b"
        # "Emeka at emeka dot obi at corp dot example": the name before it is not the address
        r"(?!\s*(?:\[at\]|\(at\)|\bat\b))"
        # k.zhang(at)example.com: a bracketed "at" with real dots after it
        r"|\b[a-z0-9._-]+\s*(?:\[at\]|\(at\))\s*[a-z0-9-]+(?:\.[a-z0-9-]+)+\b",
        0.6,
    ),
)
URL_PATTERNS = (
    Pattern("url_scheme", rf"\b(?:https?|ftp)://{_URL_TAIL}", 0.9),
    Pattern("url_www", rf"\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#:]{_URL_TAIL})?", 0.85),
    # bare host with a path: wiki.corp.example/x, go.example.com/abc
    Pattern(
        "url_host_path",
        rf"(?<![@\w.])[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+(?::\d{{2,5}})?/{_URL_TAIL}",
        0.5,
    ),
    # go/rto-faq, go/benefits: intranet short links
    Pattern("url_short_link", r"(?<![\w/.@-])go/[a-z0-9][\w-]*(?:/[\w-]+)*", 0.6),
    # 10.40.12.9:3000/health: an address with a path is a link, path and all
    Pattern("url_ip_path", rf"\b\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d{{2,5}})?/{_URL_TAIL}", 0.6),
    # vpn-latam.corp.example, ci.eng.internal: internal hosts, which name teams and places
    Pattern(
        "url_internal_host",
        r"(?<![@\w.])[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+\.(?:corp|internal|intranet|local|lan|"
        r"example)(?:\.[a-z]{2,6})?(?::\d{2,5})?\b(?![.@\w-])",
        0.5,
    ),
)
# 10.42.7.19:9100, [2001:db8::1f]:443: an address with its port, removed whole
IP_WITH_PORT = Pattern(
    "ip_with_port",
    r"\b\d{1,3}(?:\.\d{1,3}){3}:\d{2,5}\b|\[[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]:\d{2,5}\b",
    0.6,
)
_EXTENSION = r"(?:,?\s*\(?(?:ext|extn|extension|x|#)\.?\s*\d{1,5}\)?)?"
PHONE_PATTERNS = (
    # +1 415-555-0132, +44 20 7946 0958, +91 98765 43210, +1 (650) 555-0178, +49 151 55501234
    Pattern(
        "phone_international",
        r"(?<![\w+])\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,8}){1,4}"
        rf"{_EXTENSION}",
        0.8,
    ),
    # +4915155501234: E.164 without separators
    Pattern("phone_e164", rf"(?<![\w+])\+[1-9]\d{{7,14}}\b{_EXTENSION}", 0.8),
    # (212) 555-0199, 415-555-0132, 555.867.5309, 1-800-555-0100
    Pattern(
        "phone_north_america",
        rf"(?<![\w-])(?:1[\s.-])?(?:\(\d{{3}}\)\s?|\d{{3}}[\s.-])\d{{3}}[\s.-]\d{{4}}\b{_EXTENSION}",
        0.75,
    ),
    # 07700 900123, 020 7946 0958, 040-5550-2211, 030 5555 0123
    Pattern(
        "phone_trunk_prefix",
        rf"(?<![\w-])0\d{{1,4}}[\s-]\d{{3,4}}[\s-]?\d{{3,4}}\b{_EXTENSION}",
        0.6,
    ),
    # 0532 418 27 90, 070-123 45 67, 079 555 12 34: a trunk prefix, three digits, two pairs
    # (Turkey, Sweden, Switzerland)
    Pattern(
        "phone_trunk_pairs",
        rf"(?<![\w.-])0\d{{1,3}}[\s-]\d{{3}}(?:[\s-]\d{{2}}){{2}}\b(?![\s.-]\d){_EXTENSION}",
        0.6,
    ),
    # (02) 5550 4417, (11) 4555-7821, (11) 98765-4321: an area code in brackets
    Pattern("phone_bracket_area", rf"\(0?\d{{1,3}}\)\s?\d{{3,5}}[\s-]?\d{{4}}\b{_EXTENSION}", 0.7),
    # 98200 45617, 098450 12345: Indian mobiles, five and five
    Pattern(
        "phone_five_five", rf"(?<![\w.-])0?[6-9]\d{{4}}[\s-]\d{{5}}\b(?![\s.-]\d){_EXTENSION}", 0.5
    ),
    # 55 5555 0134: a two-digit area code, then four and four (Mexico)
    Pattern("phone_two_four_four", r"(?<![\w.-])\d{2}\s\d{4}\s\d{4}\b(?![\s.-]\d)", 0.45),
    # 01 99 00 12 34: French pairs
    Pattern("phone_pairs", rf"(?<![\w.-])0\d(?:[\s.]\d{{2}}){{4}}\b{_EXTENSION}", 0.7),
    # 6555 0172: eight-digit numbers in two groups (Singapore, Hong Kong)
    Pattern("phone_eight", r"(?<![\w.-])[3689]\d{3}\s\d{4}\b(?![\s.-]\d)", 0.45),
    # 555-0142: a local number
    Pattern("phone_local", rf"(?<![\w.-])\d{{3}}-\d{{4}}\b(?![-.]\d){_EXTENSION}", 0.5),
    # 512 345 678, 612 34 56 78, 912 345 678: nine-digit mobiles written without a prefix
    # (Poland, Spain, Portugal, Peru; they start with 5 to 9); "450 000 000" is an amount
    Pattern(
        "phone_nine_grouped",
        r"(?<![\w.,\-€$£])(?![\d\s]*\s00\d?\b)[5-9]\d{2}(?:\s\d{3}\s\d{3}|\s\d{2}\s\d{2}\s\d{2})"
        r"\b(?![\s.,-]?\d)",
        0.45,
    ),
    # 22 629 14 05, (22) 629 14 05: a two-digit area code, three digits, two pairs (Polish
    # landlines)
    Pattern(
        "phone_two_three_pairs",
        r"(?<![\w.,-])(?:\([1-9]\d\)|[1-9]\d)\s\d{3}\s\d{2}\s\d{2}\b(?![\s.,-]?\d)",
        0.45,
    ),
    # 412 55 390: eight-digit Norwegian mobiles, three, two and three
    Pattern("phone_three_two_three", r"(?<![\w.,-])[49]\d{2}\s\d{2}\s\d{3}\b(?![\s.,-]?\d)", 0.45),
    # (ext. 2207), extension 4411: an internal extension on its own reaches one desk
    Pattern("phone_extension_alone", r"(?i:\b(?:ext|extn)\.?|\bextension)\s*#?\s*\d{2,6}\b", 0.5),
)

HANDLE_PATTERN = Pattern(
    "chat_handle",
    # @dkim, @maria.g, @ops-lead-sam, @joão.pereira; not the @ inside an email, not
    # Slack's broadcasts.
    r"(?<![\w.@])@(?!(?:here|channel|everyone|all)\b)\w(?:[\w.-]*\w)?",
    0.85,
)

RecognizerFactory = Callable[[Sequence[str]], list[EntityRecognizer]]


class _SpacyPersonRecognizer(SpacyRecognizer):
    """spaCy's PERSON spans, cleaned of the small pipeline's false alarms.

    Leading and trailing lower-case everyday words are trimmed ("ping @dkim" ->
    "@dkim"), and so are leading acronyms and camel-case product names ("VP Ray",
    "WhatsApp Wanjiru" -> "Ray", "Wanjiru"). Spans are dropped that hold digits or
    an ``@`` ("L6", "OPS-112"; handles have their own recognizer), that are one
    everyday word in no name list ("Email", "Reorg"), or that ``not_a_person``
    takes for a place, a room or a versioned product ("Porto Alegre", "Atlas v2").
    A label set off by a spaced dash is left out ("Bronze - Hina Qureshi"), and
    initials before the name are taken in ("A. Chowdhury").
    """

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        """PERSON spans from the pipeline's NER."""
        kept = []
        for result in super().analyze(text, entities, nlp_artifacts):
            span = _trim(text, result.start, result.end)
            if span is not None:
                result.start, result.end = span
                kept.append(result)
        return kept


_TOKEN = re.compile(r"\S+")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    tokens = _without_labels(
        text, [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(text[start:end])]
    )
    while tokens and _everyday_lowercase(text[tokens[0][0] : tokens[0][1]]):
        tokens.pop(0)
    while len(tokens) > 1 and _acronym_or_product(text[tokens[0][0] : tokens[0][1]]):
        tokens.pop(0)
    while tokens and _everyday_lowercase(text[tokens[-1][0] : tokens[-1][1]]):
        tokens.pop()
    if not tokens:
        return None
    span = text[tokens[0][0] : tokens[-1][1]]
    if any(c.isdigit() or c == "@" for c in span):
        return None
    if len(tokens) == 1 and is_plain_word(span.strip(PUNCTUATION)):
        return None
    if not_a_person(text, tokens[0][0], tokens[-1][1]):
        return None
    return with_initials(text, tokens[0][0]), tokens[-1][1]


_DASHES = frozenset("-–—")


def _without_labels(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``tokens`` without the everyday words set off from the name by a spaced dash.

    No name holds a dash with spaces round it, so the NER's "Bronze - Hina
    Qureshi" is a label and a name: parts on either side that are only
    everyday words are dropped, whatever else remains is kept.
    """
    parts: list[list[tuple[int, int]]] = [[]]
    for token in tokens:
        if text[token[0] : token[1]] in _DASHES:
            parts.append([])
        else:
            parts[-1].append(token)
    parts = [part for part in parts if part]
    while len(parts) > 1 and _everyday_words(text, parts[0]):
        parts.pop(0)
    while len(parts) > 1 and _everyday_words(text, parts[-1]):
        parts.pop()
    if len(parts) <= 1:
        return parts[0] if parts else []
    return [t for t in tokens if parts[0][0][0] <= t[0] and t[1] <= parts[-1][-1][1]]


def _everyday_words(text: str, tokens: list[tuple[int, int]]) -> bool:
    return all(is_plain_word(text[s:e].strip(PUNCTUATION)) for s, e in tokens)


def _acronym_or_product(token: str) -> bool:
    word = token.strip(PUNCTUATION)
    return (len(word) >= 2 and word.isupper()) or bool(CAMEL_CASE.match(word))


def _everyday_lowercase(token: str) -> bool:
    word = token.strip(PUNCTUATION)
    return word.islower() and is_plain_word(word)


def _person(_: Sequence[str]) -> list[EntityRecognizer]:
    return [_SpacyPersonRecognizer(supported_entities=["PERSON"]), NameListRecognizer()]


def _email(_: Sequence[str]) -> list[EntityRecognizer]:
    return [
        PatternRecognizer("EMAIL", patterns=list(EMAIL_PATTERNS), global_regex_flags=IGNORE_CASE)
    ]


def _phone(_: Sequence[str]) -> list[EntityRecognizer]:
    return [
        PatternRecognizer("PHONE", patterns=list(PHONE_PATTERNS), global_regex_flags=CASE_SENSITIVE)
    ]


def _url(_: Sequence[str]) -> list[EntityRecognizer]:
    return [PatternRecognizer("URL", patterns=list(URL_PATTERNS), global_regex_flags=IGNORE_CASE)]


def _ip(_: Sequence[str]) -> list[EntityRecognizer]:
    return [
        IpRecognizer(),
        PatternRecognizer("IP_ADDRESS", patterns=[IP_WITH_PORT], global_regex_flags=IGNORE_CASE),
    ]


def _handle(_: Sequence[str]) -> list[EntityRecognizer]:
    return [
        PatternRecognizer("HANDLE", patterns=[HANDLE_PATTERN], global_regex_flags=CASE_SENSITIVE)
    ]


def _address(_: Sequence[str]) -> list[EntityRecognizer]:
    return [AddressPatternRecognizer(), AddressModelRecognizer()]


# "employee id 4471203", "staff no: A-22817", "badge # 88213", "badge is B-20931",
# "my id is E1234567", "Personalnummer 004417": an id a post labels as one is an
# EMPLOYEE_ID whatever the company's formats (the label itself stays).
_ID_LABEL = (
    r"(?:(?:employee|emp|staff|worker|personnel)\.?\s*(?:id|no\.?|number|num|#)"
    r"|badge(?:\s*(?:id|no\.?|number|num|#))?"
    r"|(?:my|his|her|their|your)\s+(?:employee\s+)?id"
    r"|personalnummer|mitarbeiternummer|matricule)"
)
_ID = r"[A-Za-z]{0,4}[-#]?(?:\d{3,12}|\d{2}-\d{3,8})(?:-\d{1,6})?"
LABELED_ID_PATTERN = Pattern(
    "labeled_employee_id",
    rf"\b{_ID_LABEL}\s*(?:is\s+|[:=#]\s*)?{_ID}\b",
    0.85,
)
_ID_TAIL = re.compile(rf"{_ID}$")


class _LabeledIdRecognizer(PatternRecognizer):
    """Ids that follow a label ("employee id", "staff no."): only the id itself is the span."""

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[no-untyped-def]
        """EMPLOYEE_ID spans narrowed from "label + id" matches to the id."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            tail = _ID_TAIL.search(text, result.start, result.end)
            if tail is not None:
                result.start = tail.start()
        return results


def _employee_id(patterns: Sequence[str]) -> list[EntityRecognizer]:
    labeled = _LabeledIdRecognizer(
        "EMPLOYEE_ID", patterns=[LABELED_ID_PATTERN], global_regex_flags=IGNORE_CASE
    )
    compiled = []
    for number, regex in enumerate(patterns):
        try:
            re.compile(regex)
        except re.error as exc:
            raise ConfigError(
                f"employee_id_patterns[{number}] is not a valid regular expression ({exc}): "
                f"{regex!r}"
            ) from None
        compiled.append(Pattern(f"employee_id_{number}", regex, 0.9))
    if not compiled:
        return [labeled]
    return [
        labeled,
        PatternRecognizer("EMPLOYEE_ID", patterns=compiled, global_regex_flags=CASE_SENSITIVE),
    ]


RECOGNIZERS: dict[str, RecognizerFactory] = {
    "PERSON": _person,
    "EMAIL": _email,
    "PHONE": _phone,
    "URL": _url,
    "IP": _ip,
    "EMPLOYEE_ID": _employee_id,
    "HANDLE": _handle,
    "ADDRESS": _address,
}
# Presidio's names for the types whose recognizers it ships.
PRESIDIO_NAMES = {"IP": "IP_ADDRESS"}


def build_recognizers(
    entities: Sequence[str], employee_id_patterns: Sequence[str]
) -> list[EntityRecognizer]:
    """Recognizers for ``entities``.

    Args:
        entities: Entity types to detect, from ``ENTITY_TYPES``.
        employee_id_patterns: Regular expressions for EMPLOYEE_ID.

    Returns:
        Presidio recognizers, ready for a registry.

    Raises:
        ConfigError: An entity type is unknown (the valid ones are listed) or a
            pattern does not compile.
    """
    recognizers: list[EntityRecognizer] = []
    for entity in entities:
        if entity not in RECOGNIZERS:
            raise ConfigError(
                f"PII entity {entity!r} is unknown; choose from {', '.join(ENTITY_TYPES)}"
            )
        recognizers.extend(RECOGNIZERS[entity](employee_id_patterns))
    return recognizers


def placeholder_type(presidio_entity: str) -> str:
    """Barometer's name for a Presidio entity type (``EMAIL_ADDRESS`` -> ``EMAIL``)."""
    for ours, theirs in PRESIDIO_NAMES.items():
        if theirs == presidio_entity:
            return ours
    return presidio_entity
