"""A local HTTP server on 127.0.0.1 that answers from a routing table.

Each route maps a path (with query string, exactly as requested) to a list of responses
served in turn (the last one repeats), which is how tests script "500 then success" or
"429 with Retry-After". Every request is recorded for assertions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = list[Reply] | Callable[[str, dict[str, str]], Reply]


class LocalServer:
    def __init__(
        self,
        routes: dict[str, Route] | None = None,
        fallback: Callable[[str, dict[str, str]], Reply] | None = None,
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.fallback = fallback
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._served: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((self.path, headers))
                reply = server._reply(self.path, headers)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def _reply(self, path: str, headers: dict[str, str]) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return self.fallback(path, headers) if self.fallback else Reply(404, b"not found")
        if callable(route):
            return route(path, headers)
        index = self._served.get(path, 0)
        self._served[path] = index + 1
        return route[min(index, len(route) - 1)]

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
