"""The error hierarchy every Barometer package raises from.

    BarometerError
    ├── ConfigError      settings that are missing, malformed or unsafe
    ├── InputError       input that cannot be read at all (a missing file, an unknown format)
    ├── PrivacyError     a request that would break a privacy rule
    ├── NotFittedError   a learned component used before ``fit``
    └── ModelError       a model that cannot be loaded, trained or applied

A message names the parameter, what was expected, what was received, and the
fix. Errors become HTTP statuses only in ``api/`` and exit codes only in ``cli/``.
"""


class BarometerError(Exception):
    """Base class of every error Barometer raises on purpose."""


class ConfigError(BarometerError):
    """A setting is missing, malformed, or unsafe."""


class InputError(BarometerError):
    """Input cannot be read at all (bad records are quarantined instead)."""


class PrivacyError(BarometerError):
    """A request would reveal a group smaller than the privacy thresholds allow."""


class NotFittedError(BarometerError):
    """A learned component was used before it was fitted."""


class ModelError(BarometerError):
    """A model cannot be loaded, trained or applied."""
