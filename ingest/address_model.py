"""A trained recognizer for street addresses, next to the address patterns.

Addresses are written in as many shapes as there are countries, and the
patterns in ``ingest.addresses`` kept missing the next national shape on every
unseen evaluation set (ADDRESS recall 0.56 to 0.80). This model is a small
spaCy NER (a hashed-embedding CNN, one label, ``ADDRESS``) trained by
``ingest.address_training`` on the project's own labeled posts
(``ingest/data/address_posts.jsonl``); it learns what streets, numbers, units
and postcodes look like from word shapes and affixes rather than from a list.

It reads only posts that contain a digit other than a time, version or count
(``may_hold_an_address``): nearly every address has one, and most forum posts
do not, so the cost stays small. Its spans are put on the
spaCy doc (``doc.spans["address"]``) by the NLP engine, where
``AddressModelRecognizer`` hands them to Presidio.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from core.errors import ConfigError
from ingest.addresses import has_a_number_besides_dates, without_trailing_sentence

LABEL = "ADDRESS"
SPANS_KEY = "address"
SCORE = 0.6
_DIGIT = re.compile(r"\d")
# Numbers that are never part of an address: times (10:30, 7pm), versions and levels
# (v2.1, Q3, L5, E6), percentages, and counts of units (12 minutes, 5,000 GPUs is not
# one, but 90 mins, 3 days, the 4-day week, 10 people are). Years are kept: 2001 Market St.
_OTHER_NUMBERS = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|h)?\b|\b\d{1,2}\s*(?:am|pm)\b|\b[vVQqLlEe]\d+(?:\.\d+)*s?\b"
    r"|\b\d+(?:\.\d+)?\s*%|\b\d+\s*-?\s*(?:min|mins|minutes?|hours?|hrs|h|days?|weeks?|months?|years?"
    r"|people|k|x|ms|s|GB|MB)\b"
)
# 10.77.3.142: a machine's address, which the IP recognizer finds; its digits are not a street's.
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def packaged_model_dir() -> Path:
    """The folder of the address model shipped with Barometer."""
    return Path(str(files("ingest") / "data" / "address_model"))


def may_hold_an_address(text: str) -> bool:
    """Whether the address model should read ``text``.

    True when it holds a digit that is not part of a time, version, level,
    percentage or count: on the demo forum 19% of posts, against 32% with any
    digit, and no address in the training data or the eleven evaluation sets
    is skipped by it.
    """
    return _DIGIT.search(_OTHER_NUMBERS.sub(" ", text)) is not None


def looks_like_an_address(span: str) -> bool:
    """Whether a span the model found has what every address has: a number and a letter.

    The model's stray spans are mostly digit-only phone numbers, names without
    a number, dates and times ("Thursday 14 Nov, 10:00"), counts ("the 4-day
    week", "every 30 s") and links; none is an address, and the other
    recognizers find the phones, links and IP addresses. So the numbers of
    dates, times, versions, counts and IP addresses do not count.
    """
    if "://" in span or "@" in span:
        return False
    numbers = _OTHER_NUMBERS.sub(" ", _IPV4.sub(" ", span))
    return has_a_number_besides_dates(numbers) and any(c.isalpha() for c in span)


def load_address_model(path: str | Path) -> Any:
    """The spaCy pipeline in ``path``, checked to predict ``ADDRESS``.

    Raises:
        ConfigError: The folder is not a spaCy pipeline with an ``ADDRESS`` NER.
    """
    import spacy

    try:
        nlp = spacy.load(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"address_model {str(path)!r} cannot be loaded ({exc}); point "
            "BAROMETER_ADDRESS_MODEL at a folder written by `python -m ingest.address_training`, "
            "or set it to '' to use the address patterns alone"
        ) from None
    if "ner" not in nlp.pipe_names or LABEL not in nlp.get_pipe("ner").labels:
        raise ConfigError(f"address_model {str(path)!r} has no NER that predicts {LABEL}")
    return nlp


def mark_addresses(
    nlp: Any, texts: Sequence[str], docs: Sequence[Any], batch_size: int = 128
) -> None:
    """Put the address spans ``nlp`` finds in each doc that may hold one on ``doc.spans``.

    ``docs`` are the NLP engine's docs of ``texts``; the texts are passed too
    because ``doc.text`` rebuilds the string from every token. The model
    tokenizes the text itself; its spans are cut before a trailing
    sentence without a number (``without_trailing_sentence``), checked with
    ``looks_like_an_address``, and mapped back onto each doc by character
    offsets, growing to whole tokens.
    """
    for doc in docs:
        doc.spans[SPANS_KEY] = []
    wanted = [
        (text, doc) for text, doc in zip(texts, docs, strict=True) if may_hold_an_address(text)
    ]
    found_docs = nlp.pipe([text for text, _ in wanted], batch_size=batch_size)
    for (_, doc), found in zip(wanted, found_docs, strict=True):
        spans = []
        for ent in found.ents:
            text = without_trailing_sentence(ent.text)
            if ent.label_ == LABEL and looks_like_an_address(text):
                end = ent.start_char + len(text)
                spans.append(
                    doc.char_span(ent.start_char, end, label=LABEL, alignment_mode="expand")
                )
        doc.spans[SPANS_KEY] = [span for span in spans if span is not None]


class AddressModelRecognizer(EntityRecognizer):
    """Reports the address spans the NLP engine's address model put on the doc."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[LABEL], name="AddressModelRecognizer")

    def load(self) -> None:
        """Nothing to load: the model runs in the NLP engine, batched."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """One result per span in ``doc.spans["address"]`` of the analysed doc."""
        doc = getattr(nlp_artifacts, "tokens", None)
        if doc is None or LABEL not in entities or SPANS_KEY not in doc.spans:
            return []
        return [
            RecognizerResult(LABEL, span.start_char, span.end_char, SCORE)
            for span in doc.spans[SPANS_KEY]
        ]
