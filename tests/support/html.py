"""Reading what a dashboard page shows: its tables (cell texts and the link of each cell)
and its ``<dl class="stats">`` figures, without a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    text: str = ""
    href: str | None = None


@dataclass
class Table:
    id: str | None
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)  # body rows only

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]

    def ids(self, column: int) -> list[str]:
        """The last path segment of each row's link in ``column`` (an Ergast ref)."""
        return [str(row[column].href).rsplit("/", 1)[-1] for row in self.rows]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.stats: dict[str, str] = {}
        self._table: Table | None = None
        self._in_body = self._in_caption = self._in_stats = False
        self._cell: Cell | None = None
        self._dt: str | None = None
        self._text: list[str] | None = None
        self._skip = 0  # inside a narrow-screen duplicate (``narrow-only``)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if self._skip or "narrow-only" in classes:
            self._skip += tag not in {"br", "img"}
            return
        if tag == "table":
            self._table = Table(found.get("id"))
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table is not None:
            self._table.rows.append([])
        elif tag in {"td", "th"} and self._in_body and self._table is not None:
            self._cell = Cell()
        elif tag == "a" and self._cell is not None and self._cell.href is None:
            self._cell.href = found.get("href")
        elif tag == "dl" and "stats" in classes:
            self._in_stats = True
        elif tag in {"dt", "dd"} and self._in_stats:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        if tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "tbody":
            self._in_body = False
        elif tag in {"td", "th"} and self._cell is not None and self._table is not None:
            self._cell.text = _squash(self._cell.text)
            self._table.rows[-1].append(self._cell)
            self._cell = None
        elif tag == "dl":
            self._in_stats = False
        elif tag == "dt" and self._text is not None:
            self._dt, self._text = _squash("".join(self._text)), None
        elif tag == "dd" and self._text is not None and self._dt is not None:
            self.stats[self._dt] = _squash("".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_caption and self._table is not None:
            self._table.caption += data
        if self._cell is not None:
            self._cell.text += data
        if self._text is not None:
            self._text.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_page(html: str) -> tuple[list[Table], dict[str, str]]:
    """The page's tables (in page order) and its stats figures (label → shown value)."""
    parser = _Page()
    parser.feed(html)
    return parser.tables, parser.stats


def table(html: str, caption_or_id: str) -> Table:
    """The one table whose id is ``caption_or_id`` or whose caption starts with it."""
    tables, _ = read_page(html)
    [found] = [
        t for t in tables if t.id == caption_or_id or _squash(t.caption).startswith(caption_or_id)
    ]
    return found
