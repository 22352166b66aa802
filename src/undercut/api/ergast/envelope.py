"""The ``MRData`` envelope and its paging, built in one place for every endpoint.

Paging follows the Ergast-compatible service: ``limit`` defaults to 30 and is capped at
100, ``offset`` defaults to 0 (and is capped far past the end of any table); a value that
is not a non-negative whole number falls back to the default rather than failing, as the
service does.
"""

from __future__ import annotations

from dataclasses import dataclass

from undercut.serving.ergast_wire import array, dumps, with_key

DEFAULT_LIMIT = 30
MAX_LIMIT = 100
# Larger offsets are past the end of every table; capping keeps them a valid SQL integer.
MAX_OFFSET = 1_000_000_000
XMLNS = ""
SERIES = "f1"


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int


def _whole(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def page_window(limit: str | None, offset: str | None) -> Window:
    """The page a request asks for, clamped to what the API serves."""
    wanted = _whole(limit)
    size = DEFAULT_LIMIT if wanted is None or wanted == 0 else min(wanted, MAX_LIMIT)
    start = min(_whole(offset) or 0, MAX_OFFSET)
    return Window(limit=size, offset=start)


def mrdata(
    *,
    url: str,
    window: Window,
    total: int,
    table: str,
    criteria: dict[str, str],
    items_key: str,
    items: list[str],
) -> bytes:
    """The whole response body: paging as strings, then the table with its criteria and
    the items, which arrive as JSON text and are joined in without being parsed again."""
    paging = dumps(
        {
            "xmlns": XMLNS,
            "series": SERIES,
            "url": url,
            "limit": str(window.limit),
            "offset": str(window.offset),
            "total": str(total),
        }
    )
    listing = with_key(dumps(criteria), items_key, array(items))
    return f'{{"MRData":{with_key(paging, table, listing)}}}'.encode()
