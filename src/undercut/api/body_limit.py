"""A bound on request bodies, answered like every other error.

Every body the API takes is small (a sign-in form, a refresh token, a job's options).
Without a bound, one anonymous 200 MB refresh token was read, parsed and repeated whole in
its 422: the process grew by 0.8 GB for that one request. Starlette's own limit answers a
body announced too large in plain text, replacing whatever the app sent; this one answers
the API's JSON error (and a browser's error page) through ``undercut.api.errors``.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from undercut.api import errors

MAX_BODY_BYTES = 64 * 1024


class BodyLimitMiddleware:
    """Refuses (413) a body whose ``Content-Length`` is over ``max_bytes`` before reading
    it, and one sent without a length once more than that has arrived."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _detail(self) -> str:
        return f"the request body is over {self.max_bytes:,} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = Headers(scope=scope).get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_bytes:
            answer = errors.answer(Request(scope), 413, "too_large", self._detail())
            await answer(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # raised where the route reads its body: the error handlers answer it
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, receive_within_limit, send)
