"""Load test of `undercut serve`: tail latency, cold start, cached and uncached reads.

Starts `undercut serve` with production-like settings (worker processes, JSON logs at
WARNING, a real secret, the rate limit lifted so the load is not throttled) on a built home
and drives it from separate client processes, each keeping keep-alive connections busy with
GETs picked round-robin from a list of URLs. For each serving profile (the embedded DuckDB
snapshot; with --database-url also PostgreSQL, published there first) it runs the server
twice, response cache on and off, and prints:

1. cold start (cache on): the mix at 32 connections from the moment the server answers its
   liveness probe and every worker listens, latency per second since the process was
   started, so a stall shows;
2. for 8, 32 and 128 connections: requests/s, p50/p90/p99/max and errors for the mix of
   four Ergast endpoints and for each of them on its own;
3. cache off: every recorded Ergast shape (``$UNDERCUT_TEST_DATA/ergast-api-responses``)
   and every /api/v1 read, mixed at 32 connections, with the p99 of each URL;
4. the summary table (profile x cache x connections) for the mix.

Targets on a 2-core machine (the load generator shares those cores): cached mix p99 < 25 ms
at 32 connections from the first second, < 100 ms at 128, >= 4,000 req/s, 0 errors; cache
off, every shape p99 < 50 ms embedded (< 100 ms PostgreSQL), mix >= 400 req/s.

    python benchmarks/api_load.py [--home DIR] [--workers N] [--seconds 5]
        [--connections 8,32,128] [--clients 1] [--database-url postgresql://…]
        [--redis URL] [--targets mix,results,…] [--no-shapes]

Without --home a temporary home is built from the archive in UNDERCUT_TEST_DATA. Figures on a
shared machine are noisy: compare rows of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from undercut.cli.serve import default_workers

ENDPOINTS = {
    "results": "/ergast/f1/2023/results.json",
    "driverStandings": "/ergast/f1/2023/driverStandings.json",
    "drivers/alonso": "/ergast/f1/drivers/alonso.json",
    "qualifying": "/ergast/f1/2023/1/qualifying.json",
}
V1 = [
    "/api/v1/drivers/hamilton",
    "/api/v1/drivers?sort=-wins&limit=20",
    "/api/v1/constructors?limit=20",
    "/api/v1/constructors/ferrari",
    "/api/v1/circuits?limit=20",
    "/api/v1/circuits/monza",
    "/api/v1/seasons/2023/races",
    "/api/v1/standings/2023/drivers",
    "/api/v1/standings/2021/constructors?round=10",
    "/api/v1/ratings/drivers?limit=20",
    "/api/v1/ratings/constructors?limit=20",
    "/api/v1/ratings/drivers/max_verstappen/history",
    "/api/v1/ratings/constructors/ferrari/history",
    "/api/v1/races/2023/1/results",
    "/api/v1/standings/2023/progression",
    "/api/v1/teammates/hamilton",
    "/api/v1/next-race",
]
COLD_SECONDS = 10
SHAPE_CONNECTIONS = 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _undercut() -> str:
    return str(Path(sys.executable).with_name("undercut"))


def _test_data() -> Path:
    return Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data"))


def _ensure_home(home: str | None) -> str:
    if home:
        return home
    archive = _test_data() / "ergast"
    home = tempfile.mkdtemp(prefix="undercut-bench-")
    print(f"building a home from {archive} in {home} ...", flush=True)
    for args in (["ingest", "archive", "--source", str(archive)], ["build"]):
        subprocess.run(
            [_undercut(), *args, "--home", home],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return home


def recorded_shapes() -> list[str]:
    """Every recorded Ergast request (file name = path, ``@`` for ``/``, ``^`` for ``?``)."""
    root = _test_data() / "ergast-api-responses"
    return sorted(
        "/ergast/f1/" + file.name.replace("@", "/").replace("^", "?")
        for file in root.glob("*/*.json*")
    )


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"undercut serve exited early (code {server.returncode})")
        try:
            with urllib.request.urlopen(base + "/health/live", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"undercut serve did not answer on {base} within {timeout:.0f}s")


def _wait_workers(port: int, workers: int, timeout: float = 60) -> None:
    """Until every worker listens: each has a socket of its own on Linux (see
    ``undercut.api.listeners``) and listens once started, and clients that connect before
    then all land on the workers already up."""
    if shutil.which("ss") is None:
        print("(ss not found: not waiting for every worker to listen)")
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listing = subprocess.run(
            ["ss", "-tlnH", f"( sport = :{port} )"], capture_output=True, text=True
        ).stdout
        if len(listing.splitlines()) >= workers:
            return
        time.sleep(0.05)
    print(f"(not every one of {workers} workers listened within {timeout:.0f}s)")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status (the body is read and dropped)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


# One completed request: wall-clock start (time.time()), latency in seconds, URL index.
Sample = tuple[float, float, int]


async def _connection(
    port: int,
    paths: list[bytes],
    start: int,
    stop_at: float,
    samples: list[Sample],
    errors: list[tuple[float, str]],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = start
    try:
        while time.time() < stop_at:
            index = i % len(paths)
            i += 1
            began_at, began = time.time(), time.perf_counter()
            try:
                status = await _get(reader, writer, paths[index])
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append((began_at, f"{type(exc).__name__}: {exc}"))
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            samples.append((began_at, time.perf_counter() - began, index))
            if status not in (200, 304):
                path = paths[index].split(b" ")[1].decode()
                errors.append((began_at, f"HTTP {status} for {path}"))
    finally:
        writer.close()


def _client(
    port: int,
    urls: list[str],
    connections: int,
    stop_at: float,
    offset: int,
    out: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    # The Host header names the port, as HTTP clients (and wrk) send it: the answers the
    # server warmed at start are cached under that host (Ergast answers repeat it).
    paths = [
        f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n".encode()
        for url in urls
    ]
    samples: list[Sample] = []
    errors: list[tuple[float, str]] = []

    async def run() -> None:
        await asyncio.gather(
            *(
                _connection(port, paths, offset + k * 7, stop_at, samples, errors)
                for k in range(connections)
            )
        )

    asyncio.run(run())
    out.put((samples, errors))


@dataclass
class Phase:
    """The samples of one load phase."""

    urls: list[str]
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)


def drive(port: int, urls: list[str], connections: int, seconds: float, clients: int) -> Phase:
    """Keep ``connections`` connections (split over ``clients`` processes) busy for
    ``seconds`` with GETs of ``urls``, round-robin."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    stop_at = time.time() + seconds
    share = [
        connections // clients + (1 if c < connections % clients else 0) for c in range(clients)
    ]
    procs = [
        multiprocessing.Process(target=_client, args=(port, urls, n, stop_at, c * 3, queue))
        for c, n in enumerate(share)
        if n
    ]
    for proc in procs:
        proc.start()
    phase = Phase(urls, seconds)
    for _ in procs:
        samples, errors = queue.get()
        phase.samples.extend(samples)
        phase.errors.extend(errors)
    for proc in procs:
        proc.join()
    return phase


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def stats(latencies: list[float], errors: int, seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / seconds,
        "p50": _quantile(ordered, 0.50) * 1000,
        "p90": _quantile(ordered, 0.90) * 1000,
        "p99": _quantile(ordered, 0.99) * 1000,
        "max": (ordered[-1] if ordered else float("nan")) * 1000,
        "errors": errors,
    }


def _row(label: str, s: dict[str, float]) -> str:
    return (
        f"{label:<34} {s['rps']:>8,.0f} {s['p50']:>7.1f} {s['p90']:>7.1f} {s['p99']:>7.1f} "
        f"{s['max']:>8.1f} {s['errors']:>6.0f}"
    )


HEADER = (
    f"{'':<34} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>8} {'errors':>6}"
)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    started_at: float


def start_server(
    args: argparse.Namespace, home: str, database_url: str | None, cache: bool
) -> Server:
    port = _free_port()
    env = {
        **os.environ,
        "UNDERCUT_HOME": home,
        "UNDERCUT_ENVIRONMENT": "production",
        "UNDERCUT_SECRET_KEY": secrets.token_urlsafe(48),
        "UNDERCUT_LOG_LEVEL": "WARNING",
        "UNDERCUT_RATE_LIMIT": "none",
        # every connection stands for a client of its own, all from this one address
        "UNDERCUT_MAX_CONCURRENT_PER_CLIENT": "0",
        "UNDERCUT_CACHE_SECONDS": "600" if cache else "0",
    }
    if args.redis:
        env["UNDERCUT_REDIS_URL"] = args.redis
        env["UNDERCUT_REDIS_PREFIX"] = f"undercut-bench:{secrets.token_hex(4)}:"
    if database_url:
        env["UNDERCUT_DATABASE_URL"] = database_url
    command = [_undercut(), "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    started_at = time.time()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _wait_ready(f"http://127.0.0.1:{port}", process)
    _wait_workers(port, args.workers or default_workers())
    return Server(port, process, started_at)


def stop_server(server: Server) -> None:
    os.killpg(server.process.pid, signal.SIGINT)
    try:
        server.process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.communicate()


def print_timeline(phase: Phase, started_at: float) -> None:
    """Latency per second since the server process was started."""
    by_second: dict[int, list[float]] = defaultdict(list)
    errors: dict[int, int] = defaultdict(int)
    for began_at, latency, _ in phase.samples:
        by_second[int(began_at - started_at)].append(latency)
    for began_at, _ in phase.errors:
        errors[int(began_at - started_at)] += 1
    print(
        f"{'second since start':<34} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>8} {'errors':>6}"
    )
    for second in sorted(set(by_second) | set(errors)):
        print(_row(f"  {second}-{second + 1} s", stats(by_second[second], errors[second], 1.0)))


def print_shapes(phase: Phase, target_ms: float) -> None:
    by_url: dict[int, list[float]] = defaultdict(list)
    for _, latency, index in phase.samples:
        by_url[index].append(latency)
    rows = sorted(
        ((stats(lat, 0, phase.seconds), phase.urls[i]) for i, lat in by_url.items()),
        key=lambda item: -item[0]["p99"],
    )
    over = [url for s, url in rows if s["p99"] >= target_ms]
    missing = [url for i, url in enumerate(phase.urls) if i not in by_url]
    print(
        f"{len(phase.urls)} shapes, {len(phase.samples):,} requests in {phase.seconds:.0f} s at "
        f"{SHAPE_CONNECTIONS} connections; {len(over)} with p99 >= {target_ms:.0f} ms; "
        f"{len(phase.errors)} errors; slowest 10:"
    )
    print(f"{'':<60} {'n':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>8}")
    for s, url in rows[:10]:
        count = len(by_url[phase.urls.index(url)])
        print(f"{url[:60]:<60} {count:>5} {s['p50']:>7.1f} {s['p99']:>7.1f} {s['max']:>8.1f}")
    for url in missing:
        print(f"{url[:60]:<60} no answer")
    for line in sorted({e for _, e in phase.errors})[:10]:
        print(f"  {line}")


def run_profile(
    args: argparse.Namespace, home: str, label: str, database_url: str | None
) -> list[tuple[str, str, int, dict[str, float]]]:
    """Both cache settings for one profile; returns the mix rows for the summary."""
    summary = []
    targets = {"mix": list(ENDPOINTS.values()), **{k: [v] for k, v in ENDPOINTS.items()}}
    targets = {k: v for k, v in targets.items() if k in args.targets}
    for cache in (True, False):
        state = "cached" if cache else "uncached"
        print(f"\n=== {label}, {state}: undercut serve --workers {args.workers or 'default'} ===")
        server = start_server(args, home, database_url, cache)
        try:
            ready = time.time() - server.started_at
            if cache:
                print(f"ready after {ready:.1f} s; cold start, mix at 32 connections:")
                cold = drive(server.port, targets.get("mix", V1), 32, COLD_SECONDS, args.clients)
                print_timeline(cold, server.started_at)
            print(HEADER)
            for connections in args.connections:
                for name, urls in targets.items():
                    phase = drive(server.port, urls, connections, args.seconds, args.clients)
                    s = stats([lat for _, lat, _ in phase.samples], len(phase.errors), args.seconds)
                    print(_row(f"{name} @ {connections}", s), flush=True)
                    for _, line in sorted(set(phase.errors))[:3]:
                        print(f"  {line}")
                    if name == "mix":
                        summary.append((label, state, connections, s))
            if not cache and args.shapes:
                phase = drive(
                    server.port,
                    recorded_shapes() + V1,
                    SHAPE_CONNECTIONS,
                    args.shape_seconds,
                    args.clients,
                )
                print_shapes(phase, 100.0 if database_url else 50.0)
        finally:
            stop_server(server)
    return summary


def publish(home: str, database_url: str) -> None:
    env = {**os.environ, "UNDERCUT_HOME": home, "UNDERCUT_DATABASE_URL": database_url}
    started = time.perf_counter()
    subprocess.run([_undercut(), "publish"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"published {home} to PostgreSQL in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", help="A built home (default: build a temporary one).")
    parser.add_argument(
        "--workers", type=int, help="Server worker processes (default: serve's own default)."
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Duration of each phase.")
    parser.add_argument(
        "--shape-seconds", type=float, default=15.0, help="Duration of the all-shapes phase."
    )
    parser.add_argument("--clients", type=int, default=1, help="Client processes.")
    parser.add_argument(
        "--connections",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[8, 32, 128],
        help="Connection counts to run, comma-separated.",
    )
    parser.add_argument(
        "--targets",
        type=lambda text: text.split(","),
        default=["mix", *ENDPOINTS],
        help=f"Which of mix,{','.join(ENDPOINTS)} to run.",
    )
    parser.add_argument("--no-shapes", dest="shapes", action="store_false")
    parser.add_argument("--redis", help="UNDERCUT_REDIS_URL for the server (shared cache).")
    parser.add_argument(
        "--database-url",
        help="Also run the PostgreSQL profile against this database (published there first).",
    )
    parser.add_argument(
        "--only-database", action="store_true", help="With --database-url: skip the embedded run."
    )
    args = parser.parse_args()

    home = _ensure_home(args.home)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    summary = []
    if not args.only_database:
        summary += run_profile(args, home, "embedded", None)
    if args.database_url:
        publish(home, args.database_url)
        summary += run_profile(args, home, "postgresql", args.database_url)
    print(f"\nsummary: mix of {', '.join(ENDPOINTS)}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'profile / cache @ connections':<34} {HEADER[35:]}")
    for label, state, connections, s in summary:
        print(_row(f"{label} {state} @ {connections}", s))


if __name__ == "__main__":
    main()
