"""Redaction of personal data in post text with Presidio, batched through spaCy.

Every detected span becomes a typed placeholder (``<PERSON>``, ``<EMAIL>``...).
The spaCy pipeline is loaded with only its NER component (the tagger, parser
and lemmatizer cost time and find no names), and texts go through ``nlp.pipe``
in batches; ``ParallelAnonymizer`` spreads batches over processes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from core.settings import DEFAULT_EMPLOYEE_ID_PATTERNS, DEFAULT_SPACY_MODEL, Settings
from ingest.name_lists import default_allow_list

# The PII types Barometer removes; ``ingest.recognizers`` holds a recognizer factory for each.
ENTITY_TYPES = ("PERSON", "EMAIL", "PHONE", "URL", "IP", "EMPLOYEE_ID", "HANDLE", "ADDRESS")

logger = logging.getLogger(__name__)

SCORE_THRESHOLD = 0.35


@dataclass(frozen=True)
class AnonymizerConfig:
    """What an anonymizer detects; plain values so it can be sent to worker processes.

    Attributes:
        spacy_model: spaCy package name or path of the pipeline that finds person names.
        employee_id_patterns: Regular expressions for the company's employee ids.
        entities: Entity types to redact (default: all of ``ENTITY_TYPES``).
        allow_list: Words never redacted, on top of ``ingest/data/allow_list.txt``
            (tool and product names a NER takes for people).
        ner_scope: ``"candidates"`` (default) runs the NER only on posts where a
            name could hide (see ``ingest.nlp_engine``); ``"all"`` on every post.
        address_model: ``"packaged"`` (the trained address model shipped with
            Barometer), a folder with another one, or ``""`` for none (the
            address patterns alone); see ``ingest.address_model``.
    """

    spacy_model: str = DEFAULT_SPACY_MODEL
    employee_id_patterns: tuple[str, ...] = DEFAULT_EMPLOYEE_ID_PATTERNS
    entities: tuple[str, ...] = field(default=ENTITY_TYPES)
    allow_list: tuple[str, ...] = ()
    ner_scope: str = "candidates"
    address_model: str = "packaged"

    @classmethod
    def from_settings(cls, settings: Settings) -> AnonymizerConfig:
        """The configuration the settings describe (``barometer ingest``, ``POST /v1/posts``)."""
        return cls(
            spacy_model=settings.spacy_model,
            employee_id_patterns=tuple(settings.employee_id_patterns),
            allow_list=tuple(settings.pii_allow_list),
            ner_scope=settings.ner_scope,
            address_model=settings.address_model,
        )


class Anonymizer:
    """Replaces PII in texts with typed placeholders.

    Args:
        config: What to detect and with which spaCy pipeline.

    Example:
        >>> Anonymizer(AnonymizerConfig()).redact("Ask priya.k@corp.example")
        'Ask <EMAIL>'
    """

    def __init__(self, config: AnonymizerConfig) -> None:
        self.config = config
        self._analyzer: Any = None
        self._anonymizer: Any = None
        self._operators: dict[str, Any] = {}

    def _load(self) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig

        from ingest.nlp_engine import load_nlp_engine
        from ingest.recognizers import PRESIDIO_NAMES, build_recognizers, placeholder_type

        allow = default_allow_list() | frozenset(self.config.allow_list)
        self._allow_list = sorted(allow)
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in build_recognizers(self.config.entities, self.config.employee_id_patterns):
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=load_nlp_engine(
                self.config.spacy_model,
                never_names=allow,
                ner_everywhere=self.config.ner_scope == "all",
                address_model=self._address_model_path(),
            ),
            supported_languages=["en"],
            default_score_threshold=SCORE_THRESHOLD,
            context_aware_enhancer=_no_context(),
        )
        self._anonymizer = AnonymizerEngine()
        self._entities = [PRESIDIO_NAMES.get(e, e) for e in self.config.entities]
        self._operators = {
            entity: OperatorConfig("replace", {"new_value": f"<{placeholder_type(entity)}>"})
            for entity in self._entities
        }

    def _address_model_path(self) -> str | None:
        """Where the address model is, or None when it is off or ADDRESS is not wanted."""
        from ingest.address_model import packaged_model_dir

        if "ADDRESS" not in self.config.entities or not self.config.address_model:
            return None
        if self.config.address_model == "packaged":
            return str(packaged_model_dir())
        return self.config.address_model

    def submit(self, texts: list[str]) -> Future[list[str]]:
        """Redact ``texts`` now and return a finished future, as ``ParallelAnonymizer`` does."""
        future: Future[list[str]] = Future()
        future.set_result(self.redact_many(texts))
        return future

    def redact(self, text: str) -> str:
        """The text with every detected PII span replaced by its placeholder."""
        return self.redact_many([text])[0]

    def analyze_many(self, texts: Sequence[str], batch_size: int = 128) -> list[list[Any]]:
        """Find the PII spans in many texts, running spaCy over them in batches.

        Args:
            texts: The texts, in order.
            batch_size: Texts per ``nlp.pipe`` batch. Default 128.

        Returns:
            One list of Presidio ``RecognizerResult`` (entity_type, start, end, score) per text.
        """
        if self._analyzer is None:
            self._load()
        artifacts = self._analyzer.nlp_engine.process_batch(
            list(texts), language="en", batch_size=batch_size
        )
        return [
            self._analyzer.analyze(
                text=text,
                language="en",
                entities=self._entities,
                nlp_artifacts=nlp_artifacts,
                allow_list=self._allow_list,
            )
            for text, nlp_artifacts in artifacts
        ]

    def redact_many(self, texts: Sequence[str], batch_size: int = 128) -> list[str]:
        """Redact many texts, running spaCy over them in batches.

        Args:
            texts: The texts, in order.
            batch_size: Texts per ``nlp.pipe`` batch. Default 128.

        Returns:
            The redacted texts, in the same order.
        """
        from presidio_anonymizer.entities import ConflictResolutionStrategy

        redacted = []
        for text, results in zip(texts, self.analyze_many(texts, batch_size), strict=True):
            if not results:
                redacted.append(text)
                continue
            redacted.append(
                self._anonymizer.anonymize(
                    text=text,
                    analyzer_results=results,
                    operators=self._operators,
                    conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
                ).text
            )
        return redacted


def _no_context() -> Any:
    """A Presidio context enhancer that does nothing.

    No recognizer here uses context words, and Presidio's enhancer deep-copies
    every result (a third of analysis time before it was switched off).
    """
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

    class NoContext(ContextAwareEnhancer):
        def __init__(self) -> None:
            super().__init__(
                context_similarity_factor=0,
                min_score_with_context_similarity=0,
                context_prefix_count=0,
                context_suffix_count=0,
            )

        def enhance_using_context(
            self,
            text: str,
            raw_results: list[Any],
            nlp_artifacts: Any,
            recognizers: list[Any],
            context: list[str] | None = None,
        ) -> list[Any]:
            return raw_results

    return NoContext()


def _worker_init(config: AnonymizerConfig) -> None:
    global _WORKER
    _WORKER = Anonymizer(config)
    _WORKER._load()


def _worker_ready() -> bool:
    import time

    time.sleep(0.2)  # hold this worker so the next task starts another
    return True


def _worker_redact(texts: list[str]) -> list[str]:
    return _WORKER.redact_many(texts)


_WORKER: Anonymizer


class ParallelAnonymizer:
    """An ``Anonymizer`` in each of ``workers`` processes, fed whole batches.

    Use as a context manager; ``submit`` returns a future so the caller can
    store one batch while the next is being redacted.

    Args:
        config: What to detect.
        workers: Worker processes (>= 1).
    """

    def __init__(self, config: AnonymizerConfig, workers: int) -> None:
        self.config = config
        self.workers = workers
        self._pool: Executor | None = None

    def __enter__(self) -> ParallelAnonymizer:
        import multiprocessing

        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(self.config,),
        )
        # Start every worker now, so loading the pipelines is not billed to the first batches.
        for future in [self._pool.submit(_worker_ready) for _ in range(self.workers)]:
            future.result()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def submit(self, texts: list[str]) -> Future[list[str]]:
        """Start redacting ``texts`` in a worker; returns a future of the redacted list."""
        assert self._pool is not None, "use ParallelAnonymizer as a context manager"
        return self._pool.submit(_worker_redact, texts)

    def redact_many(self, texts: Iterable[str], chunk: int = 256) -> list[str]:
        """Redact texts across the workers, keeping their order."""
        items = list(texts)
        futures = [self.submit(items[i : i + chunk]) for i in range(0, len(items), chunk)]
        return [text for future in futures for text in future.result()]
