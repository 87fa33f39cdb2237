"""The worker supervisor of ``barometer serve``."""

from __future__ import annotations

import socket

import pytest

from api import server
from core.errors import ConfigError


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_workers_that_die_while_starting_stop_the_server_with_a_reason() -> None:
    with pytest.raises(ConfigError, match=r"a worker stopped with exit code \d+ while starting"):
        server.run("127.0.0.1", _free_port(), workers=2, app="api.app:no_such_factory")


def test_a_port_another_program_holds_is_refused_at_once() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        with pytest.raises(OSError, match="in use"):
            server.run("127.0.0.1", holder.getsockname()[1], workers=2)
