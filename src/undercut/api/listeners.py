"""The listening socket of ``undercut serve``: one per worker process where the kernel can
spread connections over them, one shared by every worker elsewhere.

With one shared socket, the worker that wakes first accepts every connection waiting
(asyncio accepts up to the backlog in one go). A burst of keep-alive clients arriving while
the workers are busy all land on one worker and stay there, leaving the other cores idle:
32 connections split 32/0 ran at about half the throughput of a 16/16 split. On Linux,
SO_REUSEPORT gives each worker a socket of its own on the same port, and the kernel hashes
each new connection to one of them.
"""

from __future__ import annotations

import errno
import socket
import sys

from undercut.errors import InputError


def spreads_connections() -> bool:
    """Whether this kernel balances connections over sockets sharing a port (Linux does;
    elsewhere SO_REUSEPORT lets the last socket bound take them all)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def check_free(host: str, port: int) -> int:
    """Fail with one line when ``host:port`` cannot be listened on (another server holds
    it, or the address is not this machine's); the port, chosen by the system if 0."""
    probe = _socket(host)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])
    except OSError as exc:
        reason = (
            "another program holds the port"
            if exc.errno == errno.EADDRINUSE
            else (exc.strerror or str(exc))
        )
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from exc
    finally:
        probe.close()


class WorkerListener(socket.socket):
    """The address the workers listen on, held by the supervising process.

    uvicorn hands its listening sockets to each worker process by pickling them. This one
    pickles as its address, and unpickles as a new socket of that worker's own bound there
    with SO_REUSEPORT. asyncio starts listening on it once the worker has started, so the
    kernel sends connections to workers that are ready only. The supervisor's own socket is
    bound but never listens: it keeps the port from other programs and receives nothing.
    """

    def __reduce__(self) -> tuple[object, tuple[int, tuple[str, int]]]:
        host, port = self.getsockname()[:2]
        return (_worker_socket, (self.family, (host, port)))


def worker_listener(host: str, port: int) -> WorkerListener:
    """The supervisor's socket for ``host:port`` (see ``WorkerListener``)."""
    port = check_free(host, port)
    listener = WorkerListener(_family(host), socket.SOCK_STREAM)
    # Without SO_REUSEADDR, so that check_free in a second `undercut serve` finds the port
    # taken even while this one's workers are starting and none listens yet.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    return listener


def _worker_socket(family: int, address: tuple[str, int]) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _socket(host: str) -> socket.socket:
    return socket.socket(_family(host), socket.SOCK_STREAM)


def _family(host: str) -> int:
    """IPv6 for an address with colons, as uvicorn decides; IPv4 otherwise."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET
