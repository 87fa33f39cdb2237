import pytest

from core.database import get_engine
from core.errors import ConfigError


def test_refuses_an_unsupported_database() -> None:
    with pytest.raises(ConfigError, match="must name sqlite or postgresql, got 'mysql'"):
        get_engine("mysql://root@localhost/test")


def test_refuses_a_malformed_url() -> None:
    with pytest.raises(ConfigError, match="not a valid SQLAlchemy URL"):
        get_engine("not a url at all")
