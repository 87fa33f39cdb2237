"""Readers of forum exports, registered by name and chosen by file extension or ``--format``."""

from ingest.sources.base import RawRecord, Source, available_formats, get_source, source_for
from ingest.sources.discourse import DiscourseSource
from ingest.sources.jsonl import JsonlSource
from ingest.sources.slack import SlackSource
from ingest.sources.tabular import CsvSource, ParquetSource

__all__ = [
    "CsvSource",
    "DiscourseSource",
    "JsonlSource",
    "ParquetSource",
    "RawRecord",
    "SlackSource",
    "Source",
    "available_formats",
    "get_source",
    "source_for",
]
