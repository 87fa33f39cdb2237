"""API under load: ``/v1/trends`` (and some ``/v1/breakdowns``) over N stored posts, on loopback.

Measures what a dashboard's readers get from ``barometer serve``: requests/s,
p50/p90/p99 latency and non-2xx responses at a fixed concurrency, and the
peak resident memory (RSS) of each uvicorn worker process.

It stores N scored posts as ``bench/report_bench.py`` does (26 weeks, 2,000
authors, 30 teams in 6 divisions, 8 channels; written directly, so it measures
serving, not ingest or scoring), refreshes the guarded cells with the default
thresholds (k 5, collective_action 10), makes a ``people_ops`` key, starts
``barometer serve --workers W`` on a free loopback port and waits for
``/v1/ready``. Unloaded latency per kind of request comes first (one
connection, sequential), then the load: a fixed, shuffled mix of 12-week
trends (one topic or every topic, the whole organisation or a division, a
team or a channel, windows ending in different weeks) and some breakdowns by
unit, for ``--warmup`` then ``--duration`` seconds over ``--connections``
connections, driven by ``wrk`` (a Lua script; ``apt-get install -y wrk``) or,
without it, by an asyncio + httpx client. The load generator runs on the same
cores as the server. The output ends with a Markdown block for
docs/benchmarks.md.

The store is kept for ``--reuse`` (SQLite: ``bench/out/api-bench-N.db``;
PostgreSQL: database ``barometer_api_bench``); without ``--reuse`` it is built
afresh. Targets (issue): p99 under 100 ms, at least 300 requests/s with 2
workers on 2 cores, under 1 GB RSS per worker.

The 1,000,000-post runs (the first builds each store, about 5 minutes for
SQLite on these 2 cores; later ones with ``--reuse`` start serving at once)::

    HF_HUB_OFFLINE=1 .venv/bin/python bench/api_bench.py --posts 1000000 --db sqlite --reuse
    HF_HUB_OFFLINE=1 .venv/bin/python bench/api_bench.py --posts 1000000 --db postgres --reuse

Small check: ``... bench/api_bench.py --posts 20000 --duration 10 --db sqlite``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from bench_store import fresh_store
from report_bench import FIRST, fill, register
from sqlalchemy import Engine, create_engine, func, select, text

from api.keys import create_key
from core.database import get_engine
from core.migrate import current_revision, head_revision
from core.tables import model_versions, posts, report_cells
from models.taxonomy import TOPIC_IDS
from reports import cells
from reports.blocks import ALL
from reports.blocks import ROOT as WHOLE_ORG
from reports.privacy import Privacy
from reports.rollup import ALL_TOPICS, Champions

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_DATABASE = "barometer_api_bench"
PSEUDONYM_KEY = "api-bench-pseudonym-key-0123456789abcdef"
WEEKS = 12
SIDECARS = ("-wal", "-shm", "-journal")  # SQLite's files next to the database
MIX_SIZE = 4_000  # distinct request paths, cycled through by the load generator
# Kind of request -> its share of the load.
MIX = {
    "trends: one topic, whole org": 30,
    "trends: every topic, whole org (default window)": 10,
    "trends: one topic, a division": 15,
    "trends: one topic, a team": 15,
    "trends: one topic, a channel": 10,
    "trends: every topic, a division": 5,
    "breakdowns: by unit, one topic, whole org": 10,
    "breakdowns: by unit, one topic, a division": 5,
}
TARGETS = {"p99_ms": 100, "rps": 300, "rss_mb": 1024}


# --------------------------------------------------------------------------- the store


def store_url(args: argparse.Namespace) -> str:
    """The database the bench uses (created on the PostgreSQL server when missing)."""
    if args.db == "sqlite":
        path = args.sqlite_path or ROOT / "bench" / "out" / f"api-bench-{args.posts}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(args.postgres_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("select 1 from pg_database where datname = :name"), {"name": POSTGRES_DATABASE}
        ).first()
        if exists is None:
            connection.execute(text(f'create database "{POSTGRES_DATABASE}"'))
    admin.dispose()
    return args.postgres_admin.rsplit("/", 1)[0] + f"/{POSTGRES_DATABASE}"


def stored_champions(engine: Engine) -> Champions | None:
    """The champions of a store this bench built, or None."""
    with engine.connect() as connection:
        rows = dict(
            connection.execute(
                select(model_versions.c.kind, model_versions.c.id).where(
                    model_versions.c.status == "champion"
                )
            ).all()
        )
    if {"sentiment", "topics"} <= rows.keys():
        return Champions(rows["sentiment"], rows["topics"])
    return None


def reusable(url: str, posts_wanted: int) -> Champions | None:
    """The store's champions when it is at this schema and holds exactly ``posts_wanted``."""
    try:
        engine = get_engine(url)
        if current_revision(engine) != head_revision():
            return None
        with engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(posts)).scalar_one()
        return stored_champions(engine) if count == posts_wanted else None
    except Exception:
        return None


@dataclass
class Build:
    """How the store came about and how long each step took."""

    reused: bool
    store_s: float = 0.0
    refresh_s: float = 0.0
    days: int = 0


def prepare(url: str, args: argparse.Namespace) -> tuple[Engine, Build]:
    """A store of ``args.posts`` posts with fresh guarded cells (reused when asked and possible)."""
    champions = reusable(url, args.posts) if args.reuse else None
    build = Build(reused=champions is not None)
    if champions is None:
        print(f"building a store of {args.posts:,} posts ({args.db}) ...", flush=True)
        started = time.perf_counter()
        if args.db == "sqlite":  # a file left by an earlier run: start from nothing
            get_engine(url).dispose()
            database = Path(url.removeprefix("sqlite:///"))
            for path in (database, *(database.with_name(database.name + x) for x in SIDECARS)):
                path.unlink(missing_ok=True)
        engine = fresh_store(url, shared=args.db == "postgres")
        batch, champions = register(engine)
        fill(engine, batch, champions, args.posts, 0, FIRST, 26 * 7)
        build.store_s = time.perf_counter() - started
        print(f"  stored {args.posts:,} posts in {build.store_s:,.1f} s", flush=True)
    else:
        engine = get_engine(url)
        print(f"reusing the store of {args.posts:,} posts at {engine.url!r}", flush=True)
    started = time.perf_counter()
    build.days = cells.refresh(engine, champions, Privacy())
    build.refresh_s = time.perf_counter() - started
    print(
        f"  cells refreshed in {build.refresh_s:,.1f} s ({build.days} days recounted)", flush=True
    )
    return engine, build


# --------------------------------------------------------------------------- the requests


@dataclass(frozen=True)
class Shape:
    """What the store holds, for choosing realistic requests."""

    weeks: list[date]  # ISO week starts with cells, oldest first
    divisions: list[str]
    teams: list[str]
    channels: list[str]


def shape(engine: Engine) -> Shape:
    """Weeks, units and channels of the stored cells."""
    table = report_cells
    week = (table.c.period == "week", table.c.topic == ALL_TOPICS)
    with engine.connect() as connection:
        weeks = connection.execute(
            select(table.c.start).distinct().where(*week).order_by(table.c.start)
        ).scalars()
        weeks = list(weeks)
        units = set(
            connection.execute(
                select(table.c.org_unit).distinct().where(*week, table.c.org_unit != WHOLE_ORG)
            ).scalars()
        )
        channels = set(
            connection.execute(
                select(table.c.channel).distinct().where(*week, table.c.channel != ALL)
            ).scalars()
        )
    return Shape(
        weeks=weeks,
        divisions=sorted(u for u in units if "/" not in u),
        teams=sorted(u for u in units if "/" in u) or sorted(units),
        channels=sorted(channels),
    )


def request_mix(store: Shape, seed: int = 7) -> list[tuple[str, str]]:
    """``MIX_SIZE`` (kind, path) pairs in the proportions of ``MIX``, shuffled."""
    if not store.weeks:
        sys.exit("the store has no weekly cells; did the refresh run?")
    rng = random.Random(seed)
    # 12-week windows ending with one of the last 8 stored weeks (the newest most often).
    ends = [week + timedelta(days=6) for week in store.weeks[-8:]]
    end_weights = list(range(1, len(ends) + 1))
    topics = list(TOPIC_IDS)
    divisions = store.divisions or store.teams
    teams = store.teams or divisions
    channels = store.channels or ["general"]

    def window() -> str:
        end = rng.choices(ends, end_weights)[0]
        start = end - timedelta(weeks=WEEKS) + timedelta(days=1)
        return f"start={start}&end={end}"

    def make(kind: str) -> str:
        topic = rng.choice(topics)
        if kind == "trends: one topic, whole org":
            return f"/v1/trends?topic={topic}&{window()}"
        if kind == "trends: every topic, whole org (default window)":
            return "/v1/trends"
        if kind == "trends: one topic, a division":
            return f"/v1/trends?topic={topic}&org_unit={rng.choice(divisions)}&{window()}"
        if kind == "trends: one topic, a team":
            return f"/v1/trends?topic={topic}&org_unit={rng.choice(teams)}&{window()}"
        if kind == "trends: one topic, a channel":
            return f"/v1/trends?topic={topic}&channel={rng.choice(channels)}&{window()}"
        if kind == "trends: every topic, a division":
            return f"/v1/trends?org_unit={rng.choice(divisions)}&{window()}"
        if kind == "breakdowns: by unit, one topic, whole org":
            return f"/v1/breakdowns?by=org_unit&topic={topic}&{window()}"
        if kind == "breakdowns: by unit, one topic, a division":
            division = rng.choice(divisions)
            return f"/v1/breakdowns?by=org_unit&topic={topic}&org_unit={division}&{window()}"
        raise ValueError(kind)

    total = sum(MIX.values())
    mix = [
        (kind, make(kind))
        for kind, share in MIX.items()
        for _ in range(round(MIX_SIZE * share / total))
    ]
    rng.shuffle(mix)
    return mix


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cli.main",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def start_server(url: str, port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "BAROMETER_DATABASE_URL": url,
        "BAROMETER_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "BAROMETER_DATA_DIR": str(data_dir),
        "BAROMETER_MIN_GROUP_SIZE": "5",
    }
    return subprocess.Popen(
        server_command(port, workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data_dir / "server.log").open("wb"),
    )


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path, timeout: float) -> float:
    """Seconds until ``/v1/ready`` answers 200; exits when the server dies or never gets ready."""
    started = time.perf_counter()
    last = "no answer"
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/v1/ready", timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read().decode(errors='replace')}"
        except OSError as error:
            last = str(error)
        time.sleep(0.25)
    stop_server(server)
    sys.exit(f"the server was not ready after {timeout:.0f} s: {last}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGKILL to what is left of its tree."""
    if server.poll() is not None:
        return
    try:
        tree = psutil.Process(server.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    for child in tree:
        with contextlib.suppress(psutil.Error):
            child.kill()


def workers_of(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The server's uvicorn worker processes (spawned children, not the resource tracker)."""
    found = []
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "resource_tracker" not in command:
            found.append(child)
    return found


@dataclass
class Sampler:
    """Samples the RSS and CPU time of the server's processes in a thread."""

    server: subprocess.Popen[bytes]
    interval: float = 0.2
    peak_rss: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds at the last sample
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Sample from now on."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self) -> None:
        """One sample of every watched process."""
        try:
            watched = [psutil.Process(self.server.pid), *workers_of(self.server)]
        except psutil.Error:
            return
        for process in watched:
            try:
                with process.oneshot():
                    rss = process.memory_info().rss
                    times = process.cpu_times()
            except psutil.Error:
                continue
            self.peak_rss[process.pid] = max(self.peak_rss.get(process.pid, 0), rss)
            self.cpu[process.pid] = times.user + times.system

    def connections(self, port: int) -> dict[int, int]:
        """Established client connections each worker holds on ``port`` (pid -> count).

        Shows how the workers split the load generator's keep-alive connections:
        a connection stays with the worker that accepted it.
        """
        held = {}
        for process in workers_of(self.server):
            try:
                held[process.pid] = sum(
                    1
                    for c in process.net_connections(kind="tcp")
                    if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED
                )
            except psutil.Error:
                continue
        return held

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


# --------------------------------------------------------------------------- the load


@dataclass
class Load:
    """What one measured run gave."""

    client: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    statuses: dict[str, int]
    socket_errors: int
    client_cpu_s: float = 0.0  # CPU time the load generator used

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds


LUA = """
local paths = %(paths)s
local counter = 0
non2xx = 0
statuses = {}
local threads = {}

wrk.headers["Authorization"] = "Bearer %(secret)s"

function setup(thread)
  thread:set("offset", #threads * 997)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, codes = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for code, n in pairs(thread:get("statuses")) do
      table.insert(codes, string.format('"%%s": %%d', code, n))
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, '
    .. '"p99_us": %%d, "max_us": %%d, "non2xx": %%d, "statuses": {%%s}, '
    .. '"socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, table.concat(codes, ", "),
    e.connect + e.read + e.write + e.timeout))
end
"""


def lua_script(paths: list[str], secret: str, folder: Path) -> Path:
    listing = "{\n" + ",\n".join(json.dumps(p) for p in paths) + "\n}"
    script = folder / "mix.lua"
    script.write_text(LUA % {"paths": listing, "secret": secret})
    return script


def run_wrk(base: str, script: Path, seconds: float, args: argparse.Namespace) -> Load:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",  # a slower request still counts in the percentiles, not as a timeout
        "-s",
        str(script),
        base,
    ]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = process.stdout
    line = next((x for x in output.splitlines() if x.startswith("WRK_RESULT ")), None)
    if process.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({process.returncode}):\n{output}")
    found = json.loads(line.removeprefix("WRK_RESULT "))
    return Load(
        client=f"{wrk_version()} ({args.threads} thread{'s' * (args.threads > 1)}, Lua script)",
        requests=found["requests"],
        seconds=found["duration_us"] / 1e6,
        p50_ms=found["p50_us"] / 1000,
        p90_ms=found["p90_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        max_ms=found["max_us"] / 1000,
        non_2xx=found["non2xx"],
        statuses=found["statuses"],
        socket_errors=found["socket_errors"],
        client_cpu_s=after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run_httpx(
    base: str, paths: list[str], secret: str, seconds: float, args: argparse.Namespace
) -> Load:
    import httpx

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0

    async def drive() -> float:
        nonlocal errors
        limits = httpx.Limits(max_connections=args.connections)
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(
            base_url=base, headers=headers, limits=limits, timeout=60
        ) as client:
            deadline = time.perf_counter() + seconds
            counter = iter(range(10**12))

            async def user(offset: int) -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    path = paths[(offset + next(counter)) % len(paths)]
                    started = time.perf_counter()
                    try:
                        response = await client.get(path)
                    except httpx.HTTPError:
                        errors += 1
                        continue
                    latencies.append(time.perf_counter() - started)
                    if not 200 <= response.status_code < 300:
                        code = str(response.status_code)
                        statuses[code] = statuses.get(code, 0) + 1

            started = time.perf_counter()
            await asyncio.gather(*(user(i * 997) for i in range(args.connections)))
            return time.perf_counter() - started

    cpu = time.process_time()
    elapsed = asyncio.run(drive())
    cpu = time.process_time() - cpu
    return Load(
        client="asyncio + httpx (in the bench process)",
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p90_ms=percentile(latencies, 90) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        max_ms=max(latencies, default=float("nan")) * 1000,
        non_2xx=sum(statuses.values()),
        statuses=statuses,
        socket_errors=errors,
        client_cpu_s=cpu,
    )


def unloaded(base: str, mix: list[tuple[str, str]], secret: str, per_kind: int) -> dict[str, dict]:
    """Median and max latency of each kind of request, one at a time, and its response size."""
    by_kind: dict[str, list[str]] = {}
    for kind, path in mix:
        by_kind.setdefault(kind, []).append(path)
    found = {}
    for kind, paths in by_kind.items():
        times, sizes, codes = [], [], set()
        for path in paths[:per_kind]:
            request = urllib.request.Request(
                base + path, headers={"Authorization": f"Bearer {secret}"}
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    body = response.read()
                    codes.add(response.status)
            except urllib.error.HTTPError as error:
                body = error.read()
                codes.add(error.code)
            times.append(time.perf_counter() - started)
            sizes.append(len(body))
        found[kind] = {
            "median_ms": percentile(times, 50) * 1000,
            "max_ms": max(times) * 1000,
            "bytes": round(sum(sizes) / len(sizes)),
            "statuses": sorted(codes),
        }
    return found


# --------------------------------------------------------------------------- the report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def wrk_version() -> str:
    try:
        output = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    except OSError:
        return "wrk"
    return output.split("[")[0].strip() or "wrk"


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting on I/O)."""
    times = psutil.cpu_times()
    parts = ("user", "nice", "system", "irq", "softirq")  # guest time is within user already
    return sum(getattr(times, part, 0.0) for part in parts)


def mb(value: int) -> int:
    return round(value / 2**20)


def markdown(
    args: argparse.Namespace,
    build: Build,
    load: Load,
    rss: dict[str, list[int]],
    cores: dict[str, str],
    kinds: dict[str, dict],
) -> str:
    store = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[args.db]
    command = "HF_HUB_OFFLINE=1 .venv/bin/python " + shlex.join(
        ["bench/api_bench.py", *sys.argv[1:]]
    )
    workers_rss = ", ".join(f"{x:,}" for x in rss["workers"])
    met = {
        "p99": load.p99_ms < TARGETS["p99_ms"],
        "rps": load.rps >= TARGETS["rps"],
        "rss": max(rss["workers"], default=0) < TARGETS["rss_mb"],
        "errors": load.non_2xx == 0 and load.socket_errors == 0,
    }
    others_note = " (the PostgreSQL server included)" if args.db == "postgres" else ""
    verdict = ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in met.items())
    total = sum(MIX.values())
    mix = "; ".join(f"{kind} {share * 100 // total}%" for kind, share in MIX.items())
    lines = [
        f"### API: trends under load, {args.posts:,} posts, {store}",
        "",
        f"Command: `{command}`, {datetime.now(UTC).date().isoformat()}. Machine: "
        f"{os.cpu_count()} cores of an {cpu_model()}, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM. Server: `barometer serve "
        f"--workers {args.workers}` on 127.0.0.1; load: {load.client}, "
        f"{args.connections} connections, {args.warmup:g} s warm-up then "
        f"{args.duration:g} s measured, **on the same cores as the server**. Cores busy "
        f"during the measured run: workers {cores['workers']}, load generator "
        f"{cores['client']}, other processes on the machine{others_note} {cores['others']}; "
        f"connections held per worker: {cores['connections']}. "
        + (
            f"Store reused (`--reuse`), cells refresh {build.refresh_s:,.0f} s."
            if build.reused
            else f"Store built in {build.store_s:,.0f} s, cells refreshed (the first "
            f"refresh, {build.days} days) in {build.refresh_s:,.0f} s."
        ),
        "",
        f"Mix of {MIX_SIZE:,} request paths cycled through (12-week windows ending in one "
        f"of the last 8 weeks): {mix}.",
        "",
        "| store | posts | workers | connections | requests/s | p50 | p90 | p99 | max "
        "| non-2xx | peak RSS per worker (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {store} | {args.posts:,} | {args.workers} | {args.connections} | "
        f"**{load.rps:,.0f}** | {load.p50_ms:.1f} ms | {load.p90_ms:.1f} ms | "
        f"**{load.p99_ms:.1f} ms** | {load.max_ms:.0f} ms | {load.non_2xx} | {workers_rss} |",
        "",
        f"Targets: p99 < {TARGETS['p99_ms']} ms, >= {TARGETS['rps']} requests/s, "
        f"< {TARGETS['rss_mb']:,} MB per worker, no errors: {verdict}. "
        f"Supervisor process peak RSS {rss['supervisor']:,} MB.",
        "",
        "Unloaded latency (one connection, one request at a time):",
        "",
        "| request | median | max | response bytes |",
        "|---|---:|---:|---:|",
        *(
            f"| {kind} | {v['median_ms']:.1f} ms | {v['max_ms']:.1f} ms | {v['bytes']:,} |"
            for kind, v in kinds.items()
        ),
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the store when it holds --posts posts"
    )
    parser.add_argument("--sqlite-path", type=Path, default=None)
    parser.add_argument("--postgres-admin", default=POSTGRES_ADMIN)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--per-kind", type=int, default=20, help="unloaded requests per kind")
    parser.add_argument("--ready-timeout", type=float, default=180)
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "httpx"
    if client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk), or use --client httpx")

    url = store_url(args)
    engine, build = prepare(url, args)
    mix = request_mix(shape(engine))
    _, secret = create_key(engine, "people_ops", "bench")
    engine.dispose()

    with tempfile.TemporaryDirectory(prefix="api-bench-") as scratch:
        folder = Path(scratch)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"starting {shlex.join(server_command(port, args.workers))}", flush=True)
        server = start_server(url, port, args.workers, folder)
        sampler = Sampler(server)
        try:
            ready = wait_ready(server, base, folder / "server.log", args.ready_timeout)
            print(f"  ready in {ready:.1f} s", flush=True)
            sampler.start()
            kinds = unloaded(base, mix, secret, args.per_kind)
            for kind, found in kinds.items():
                print(
                    f"  unloaded {kind}: median {found['median_ms']:.1f} ms, "
                    f"max {found['max_ms']:.1f} ms, {found['bytes']:,} bytes, "
                    f"status {found['statuses']}",
                    flush=True,
                )
            paths = [path for _, path in mix]
            script = lua_script(paths, secret, folder) if client == "wrk" else None

            def drive(seconds: float) -> Load:
                if script is not None:
                    return run_wrk(base, script, seconds, args)
                return run_httpx(base, paths, secret, seconds, args)

            print(f"warm-up {args.warmup:g} s ({client}) ...", flush=True)
            if args.warmup > 0:
                drive(args.warmup)
            sampler.sample()
            cpu_before = dict(sampler.cpu)
            machine_before = busy_seconds()
            print(f"measuring {args.duration:g} s ...", flush=True)
            held: dict[int, int] = {}
            halfway = threading.Timer(
                args.duration / 2, lambda: held.update(sampler.connections(port))
            )
            halfway.start()
            load = drive(args.duration)
            halfway.cancel()
            machine_busy = busy_seconds() - machine_before
            sampler.sample()
        finally:
            sampler.stop()
            stop_server(server)
        log = (folder / "server.log").read_text(errors="replace")

    worker_pids = sorted(pid for pid in sampler.peak_rss if pid != server.pid)
    if len(worker_pids) > args.workers:
        print(f"warning: {len(worker_pids)} worker processes seen; uvicorn restarted some")
    rss = {
        "workers": [mb(sampler.peak_rss[pid]) for pid in worker_pids],
        "supervisor": mb(sampler.peak_rss.get(server.pid, 0)),
    }
    used = [
        (sampler.cpu.get(pid, 0.0) - cpu_before.get(pid, 0.0)) / load.seconds for pid in worker_pids
    ]
    client_cores = load.client_cpu_s / load.seconds
    others = machine_busy / load.seconds - sum(used) - client_cores
    cores = {
        "client": f"{client_cores:.2f}",
        "workers": " + ".join(f"{x:.2f}" for x in used),
        "others": f"{max(0.0, others):.2f}",
        "connections": " + ".join(str(held.get(pid, 0)) for pid in worker_pids),
    }
    print()
    print(
        f"{load.requests:,} requests in {load.seconds:.1f} s: {load.rps:,.0f}/s, "
        f"p50 {load.p50_ms:.1f} ms, p90 {load.p90_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
        f"max {load.max_ms:.0f} ms, non-2xx {load.non_2xx} {load.statuses or ''}, "
        f"socket errors {load.socket_errors}"
    )
    print(f"peak RSS per worker: {rss['workers']} MB; supervisor {rss['supervisor']} MB")
    print(f"connections held per worker halfway through: {cores['connections']}")
    print(
        f"CPU (cores busy, measured run): workers {cores['workers']}, load generator "
        f"{cores['client']}, everything else on the machine {cores['others']}"
    )
    if "Traceback" in log or "ERROR" in log:
        print("the server logged errors:\n" + log[-3000:])
    print()
    print(markdown(args, build, load, rss, cores, kinds))
    if load.non_2xx or load.socket_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
