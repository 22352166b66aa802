"""The listening sockets of `undercut serve --workers N`: one per worker on Linux."""

from __future__ import annotations

import contextlib
import io
import socket
from multiprocessing.reduction import ForkingPickler

import pytest

from undercut.api.listeners import check_free, spreads_connections, worker_listener
from undercut.errors import InputError

pytestmark = pytest.mark.skipif(
    not spreads_connections(), reason="a socket per worker needs Linux's SO_REUSEPORT"
)


def _as_a_worker_receives_it(listener: socket.socket) -> socket.socket:
    """The socket as uvicorn hands it to a worker process: through multiprocessing's
    pickler (uvicorn's workers are spawned)."""
    buffer = io.BytesIO()
    ForkingPickler(buffer).dump(listener)
    received = ForkingPickler.loads(buffer.getvalue())
    assert isinstance(received, socket.socket)
    return received


def test_each_worker_gets_a_socket_of_its_own_and_both_take_connections() -> None:
    with worker_listener("127.0.0.1", 0) as listener:
        address = listener.getsockname()
        first, second = (_as_a_worker_receives_it(listener) for _ in range(2))
        with first, second:
            assert first.fileno() != second.fileno() != listener.fileno()
            assert first.getsockname() == second.getsockname() == address
            assert first.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 0
            first.listen()
            second.listen()
            clients = [socket.create_connection(address) for _ in range(32)]
            accepted = [_accept_all(first), _accept_all(second)]
            for client in clients:
                client.close()
    assert sum(accepted) == 32 and min(accepted) >= 4, accepted  # hashed, about even


def _accept_all(listening: socket.socket) -> int:
    listening.settimeout(0.5)
    count = 0
    with contextlib.suppress(TimeoutError):
        while True:
            connection, _ = listening.accept()
            connection.close()
            count += 1
    return count


def test_a_second_server_finds_the_port_taken_before_any_worker_listens() -> None:
    with worker_listener("127.0.0.1", 0) as listener:
        port = listener.getsockname()[1]
        with pytest.raises(InputError, match=f"127.0.0.1:{port}: another program holds"):
            check_free("127.0.0.1", port)
        with pytest.raises(InputError):
            worker_listener("127.0.0.1", port)
    assert check_free("127.0.0.1", port) == port  # given back once closed
