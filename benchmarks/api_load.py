"""Load test of `undercut serve`: cached reads over a mix of Ergast and /api/v1 URLs.

Starts `undercut serve` with production-like settings (several worker processes, JSON logs
at WARNING, a real secret, the rate limit lifted so the load is not throttled) on a built
home, warms the response cache with one request per URL, then drives it from separate
client processes for a bounded time: each keeps `--connections` keep-alive connections
busy with GETs picked round-robin from the mix. Prints requests/s, p50/p90/p99 latency and
the error count (anything but 200/304, plus transport failures).
Targets on a 2-core machine: >= 1,000 req/s, p99 < 50 ms, zero errors.

    python benchmarks/api_load.py [--home DIR] [--workers 2] [--seconds 15]
        [--clients 1] [--connections 16] [--redis URL] [--database-url URL]
        [--rate-limit 1000000/minute]

Without --home a temporary home is built from the archive in UNDERCUT_TEST_DATA.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MIX = [
    "/ergast/f1/2023/results/1.json",
    "/ergast/f1/drivers/alonso.json",
    "/ergast/f1/2023/driverStandings.json",
    "/ergast/f1/constructors/ferrari/circuits.json",
    "/ergast/f1/2021/22/results.json",
    "/ergast/f1/circuits.json?limit=100",
    "/api/v1/drivers/hamilton",
    "/api/v1/drivers?sort=-wins&limit=20",
    "/api/v1/constructors/ferrari",
    "/api/v1/circuits/monza",
    "/api/v1/standings/2023/drivers",
    "/api/v1/standings/2021/constructors?round=10",
    "/api/v1/ratings/drivers?limit=20",
    "/api/v1/ratings/drivers/max_verstappen/history",
    "/api/v1/seasons/2023/races",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _undercut() -> str:
    return str(Path(sys.executable).with_name("undercut"))


def _ensure_home(home: str | None) -> str:
    if home:
        return home
    archive = Path(os.environ.get("UNDERCUT_TEST_DATA", "../shared/data")) / "ergast"
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


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"undercut serve exited early (code {server.returncode})")
        try:
            with urllib.request.urlopen(base + "/health/live", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"undercut serve did not answer on {base} within {timeout:.0f}s")


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


async def _connection(
    port: int,
    paths: list[bytes],
    start: int,
    stop_at: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = start
    try:
        while time.perf_counter() < stop_at:
            request = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                status = await _get(reader, writer, request)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - began)
            if status not in (200, 304):
                errors.append(f"HTTP {status} for {request.split(b' ')[1].decode()}")
    finally:
        writer.close()


def _client(
    port: int, connections: int, seconds: float, offset: int, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    paths = [
        f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode()
        for p in MIX
    ]
    latencies: list[float] = []
    errors: list[str] = []

    async def run() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _connection(port, paths, offset + k * 7, stop_at, latencies, errors)
                for k in range(connections)
            )
        )

    asyncio.run(run())
    out.put((latencies, errors))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", help="A built home (default: build a temporary one).")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--seconds", type=float, default=15.0, help="Measured duration.")
    parser.add_argument("--clients", type=int, default=1, help="Client processes.")
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="Concurrent keep-alive connections per client process.",
    )
    parser.add_argument("--redis", help="UNDERCUT_REDIS_URL for the server (shared cache).")
    parser.add_argument("--database-url", help="UNDERCUT_DATABASE_URL (e.g. postgresql://).")
    parser.add_argument(
        "--rate-limit",
        default="none",
        help="UNDERCUT_RATE_LIMIT; a limit too high to reach still counts every request.",
    )
    args = parser.parse_args()

    home = _ensure_home(args.home)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "UNDERCUT_HOME": home,
        "UNDERCUT_ENVIRONMENT": "production",
        "UNDERCUT_SECRET_KEY": secrets.token_urlsafe(48),
        "UNDERCUT_LOG_LEVEL": "WARNING",
        "UNDERCUT_RATE_LIMIT": args.rate_limit,
        # every connection stands for a client of its own, all from this one address
        "UNDERCUT_MAX_CONCURRENT_PER_CLIENT": "0",
        "UNDERCUT_CACHE_SECONDS": "600",
    }
    if args.redis:
        env["UNDERCUT_REDIS_URL"] = args.redis
        env["UNDERCUT_REDIS_PREFIX"] = f"undercut-bench:{secrets.token_hex(4)}:"
    if args.database_url:
        env["UNDERCUT_DATABASE_URL"] = args.database_url
    server = subprocess.Popen(
        [_undercut(), "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_ready(base, server)
        for path in MIX * (args.workers * 2):  # every worker's cache sees every URL
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        clients = [
            multiprocessing.Process(
                target=_client, args=(port, args.connections, args.seconds, c * 3, queue)
            )
            for c in range(args.clients)
        ]
        started = time.perf_counter()
        for client in clients:
            client.start()
        results = [queue.get() for _ in clients]
        elapsed = time.perf_counter() - started
        for client in clients:
            client.join()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            _, stderr = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            _, stderr = server.communicate()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = [e for _, errs in results for e in errs]
    if not latencies:
        raise SystemExit("no request completed:\n" + stderr.decode(errors="replace")[-2000:])
    cuts = statistics.quantiles(latencies, n=100)
    total = len(latencies)
    print(
        f"undercut serve --workers {args.workers}; {args.clients} client process(es) x "
        f"{args.connections} connections; {len(MIX)} URLs (Ergast and /api/v1), cached; "
        f"store {'postgresql' if args.database_url else 'snapshot'}, "
        f"cache {'redis' if args.redis else 'memory'}, rate limit {args.rate_limit}"
    )
    print(f"requests:   {total:,} in {elapsed:.1f} s")
    print(f"throughput: {total / args.seconds:,.0f} req/s   (target >= 1,000)")
    print(
        f"latency:    p50 {cuts[49] * 1000:.1f} ms   p90 {cuts[89] * 1000:.1f} ms   "
        f"p99 {cuts[98] * 1000:.1f} ms   max {latencies[-1] * 1000:.1f} ms   "
        "(target p99 < 50 ms)"
    )
    print(f"errors:     {len(errors)}   (target 0)")
    for line in sorted(set(errors))[:10]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
