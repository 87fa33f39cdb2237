import os
import stat
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import demo_settings, load_settings

KEY = "a-long-enough-secret-key"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No BAROMETER_* variable and no barometer.toml leak into these tests."""
    import os

    for name in [n for n in os.environ if n.startswith("BAROMETER_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_refuses_group_size_below_three() -> None:
    with pytest.raises(ConfigError, match="min_group_size must be at least 3, got 2"):
        load_settings(pseudonym_key=KEY, min_group_size=2)


def test_requires_a_pseudonym_key() -> None:
    with pytest.raises(ConfigError, match="pseudonym_key is required"):
        load_settings()


def test_refuses_a_short_key() -> None:
    with pytest.raises(ConfigError, match="at least 16 characters"):
        load_settings(pseudonym_key="short")


def test_refuses_protected_topic_threshold_below_k() -> None:
    with pytest.raises(ConfigError, match=r"protected_topics\['collective_action'\]"):
        load_settings(
            pseudonym_key=KEY, min_group_size=6, protected_topics={"collective_action": 5}
        )


def test_reads_the_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    assert load_settings(pseudonym_key_file=key_file).key_bytes() == KEY.encode()


def test_reads_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("BAROMETER_MIN_GROUP_SIZE", "7")
    assert load_settings().min_group_size == 7


def test_reads_barometer_toml(tmp_path: Path) -> None:
    (tmp_path / "barometer.toml").write_text(f'pseudonym_key = "{KEY}"\nmin_group_size = 8\n')
    assert load_settings().min_group_size == 8


def test_key_never_appears_in_the_settings_repr() -> None:
    settings = load_settings(pseudonym_key=KEY)
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())


def test_demo_creates_a_private_key_file(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path / "demo")
    key_file = tmp_path / "demo" / "pseudonym.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert settings.key_bytes() == key_file.read_bytes().strip()


def test_demo_keeps_its_key_across_runs(tmp_path: Path) -> None:
    first = demo_settings(tmp_path).key_bytes()
    assert demo_settings(tmp_path).key_bytes() == first


def test_defaults_the_database_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(pseudonym_key=KEY, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'barometer.db'}"


def test_an_unparsable_environment_value_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAROMETER_PROTECTED_TOPICS", "{not json")
    with pytest.raises(ConfigError, match="invalid settings"):
        load_settings(pseudonym_key=KEY)


def test_refuses_an_ingest_batch_larger_than_ten_thousand() -> None:
    with pytest.raises(ConfigError, match="ingest_batch_size"):
        load_settings(pseudonym_key=KEY, ingest_batch_size=50_000)
