"""``barometer keys`` and ``barometer serve`` as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.test_commands import barometer
from tests.conftest import TEST_KEY


def _created_key(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_keys_create_prints_the_key_once_and_list_never_shows_it(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    created = barometer(
        "keys", "create", "--role", "employee_rep", "--name", "union", tmp_path=tmp_path
    )
    secret = _created_key(created)
    assert secret.startswith("brm_") and len(secret) > 40
    listed = barometer("keys", "list", tmp_path=tmp_path)
    assert "union" in listed.stdout and "employee_rep" in listed.stdout
    assert secret not in listed.stdout and secret[:12] in listed.stdout


def test_keys_create_refuses_an_unknown_role(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    result = barometer("keys", "create", "--role", "boss", "--name", "x", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "ConfigError: --role must be one of admin, people_ops, employee_rep, ingestor, got 'boss'"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_with_keys_made_by_the_cli_until_they_are_revoked(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    secret = _created_key(
        barometer("keys", "create", "--role", "people_ops", "--name", "hr", tmp_path=tmp_path)
    )
    port = _free_port()
    env = {
        **os.environ,
        "BAROMETER_DATA_DIR": str(tmp_path / "data"),
        "BAROMETER_PSEUDONYM_KEY": TEST_KEY,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/v1/health")
        headers = {"Authorization": f"Bearer {secret}"}
        assert httpx.get(f"{base}/v1/topics", headers=headers).status_code == 200
        assert httpx.get(f"{base}/v1/ready").json()["cells"] == "missing"
        assert barometer("keys", "revoke", "1", tmp_path=tmp_path).returncode == 0
        assert httpx.get(f"{base}/v1/topics", headers=headers).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")
