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

from core.errors import ConfigError

APP = "api.app:app_from_environment"
BACKLOG = 2048
STARTUP_GRACE = 15.0  # seconds: a worker dying sooner is not restarted
logger = logging.getLogger(__name__)


def run(host: str, port: int, workers: int, app: str = APP) -> None:
    """Serve the app (settings from the environment) until SIGINT or SIGTERM.

    Args:
        host: Interface to listen on.
        port: TCP port.
        workers: Worker processes. With more than one, this process only
            supervises: it replaces a worker that dies, and stops when one dies
            within ``STARTUP_GRACE`` seconds of starting (it would only die again).
        app: The application factory, as ``module:function``.

    Raises:
        ConfigError: A worker died while starting; its error is on stderr.
    """
    import uvicorn

    options = {"factory": True, "log_level": "warning", "access_log": False}
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, host=host, port=port, workers=workers, **options)  # type: ignore[arg-type]
        return
    _check_free(host, port)
    context = multiprocessing.get_context("spawn")
    processes = [_start(context, app, host, port) for _ in range(workers)]
    started = [time.monotonic()] * workers
    stopping = False
    failure = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    while not stopping and failure is None:
        for index, process in enumerate(processes):
            if process.is_alive():
                continue
            if time.monotonic() - started[index] < STARTUP_GRACE:
                failure = f"a worker stopped with exit code {process.exitcode} while starting"
                break
            logger.warning(
                "worker %s exited with %s; starting another", process.pid, process.exitcode
            )
            processes[index], started[index] = _start(context, app, host, port), time.monotonic()
        time.sleep(0.5)
    for process in processes:
        process.terminate()  # uvicorn finishes the requests in flight on SIGTERM
    for process in processes:
        process.join(timeout=30)
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    if failure is not None:
        raise ConfigError(f"{failure}; its error is above")


def _start(
    context: multiprocessing.context.SpawnContext, app: str, host: str, port: int
) -> multiprocessing.Process:
    process = context.Process(target=_serve_one, args=(app, host, port), daemon=False)
    process.start()
    return process


def _serve_one(app: str, host: str, port: int) -> None:
    """One worker: its own socket on the shared port, one uvicorn server."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(BACKLOG)
    config = uvicorn.Config(app, factory=True, log_level="warning", access_log=False)
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
