"""Serving the app: uvicorn worker processes, each with its own listening socket.

uvicorn's ``--workers`` share one listening socket, and whichever worker is
waiting in ``accept`` takes each new connection; long-lived keep-alive
connections then stay with it. Under a burst of connections one worker often
took them all while the other idled (seen in ``bench/api_bench.py``: 16 + 0).
Here each worker binds its own socket with ``SO_REUSEPORT``, so the kernel
spreads connections evenly. Where ``SO_REUSEPORT`` is missing (not Linux or
BSD), uvicorn's own supervisor runs instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from types import FrameType

APP = "api.app:app_from_environment"
BACKLOG = 2048
logger = logging.getLogger(__name__)


def run(host: str, port: int, workers: int) -> None:
    """Serve the app (settings from the environment) until SIGINT or SIGTERM.

    Args:
        host: Interface to listen on.
        port: TCP port.
        workers: Worker processes; one is served in this process.
    """
    import uvicorn

    options = {"factory": True, "log_level": "warning", "access_log": False}
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, host=host, port=port, workers=workers, **options)  # type: ignore[arg-type]
        return
    _check_free(host, port)
    context = multiprocessing.get_context("spawn")
    processes = [_start(context, host, port) for _ in range(workers)]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        for index, process in enumerate(processes):
            if not process.is_alive():  # a crashed worker is replaced, as uvicorn's would be
                logger.warning(
                    "worker %s exited with %s; starting another", process.pid, process.exitcode
                )
                processes[index] = _start(context, host, port)
        time.sleep(0.5)
    for process in processes:
        process.terminate()  # uvicorn finishes the requests in flight on SIGTERM
    for process in processes:
        process.join(timeout=30)


def _start(
    context: multiprocessing.context.SpawnContext, host: str, port: int
) -> multiprocessing.Process:
    process = context.Process(target=_serve_one, args=(host, port), daemon=False)
    process.start()
    return process


def _serve_one(host: str, port: int) -> None:
    """One worker: its own socket on the shared port, one uvicorn server."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(BACKLOG)
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])


def _check_free(host: str, port: int) -> None:
    """Fail at once, with the usual error, when another program holds the port.

    (``SO_REUSEPORT`` would otherwise let the workers share it with another
    process of the same user.)
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
