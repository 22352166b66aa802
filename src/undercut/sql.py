"""The one loader of ``.sql`` files: read, include, header, named parameters.

Every folder of SQL in the package (``warehouse/sql/<layer>``, ``warehouse/checks/<layer>``,
``features/sql``, ``serving/queries``, ``api/ergast/sql``, ``jobs/sql``, …) is read through a
``SqlFolder``, so every file follows the same rules:

- **Header.** The comment lines at the top are ``-- key: value`` pairs; a line
  ``--   more`` (two or more spaces) continues the value above it. A query or a table
  starts with ``purpose``, then ``grain`` and ``depends on`` (a gold table may add
  ``incremental by: season``); a check starts with ``severity``, then ``table`` (or
  ``file``), ``column`` and ``message``.
- **Include.** A line holding only ``-- @name`` is replaced by ``name.sql`` of the same
  folder, without its comments (a caller may substitute something else, see ``text``).
- **Parameters.** Values are never spliced into the text: a query names them ``:name``
  (portable to DuckDB and PostgreSQL); ``duckdb_params`` rewrites them to DuckDB's ``$name``
  and keeps the values the query uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from undercut.errors import InputError

_INCLUDE = re.compile(r"^\s*-- @(\w+)\s*$", re.MULTILINE)
_HEADER = re.compile(r"^--\s*([a-zA-Z][\w .]*?)\s*:\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

# ``name`` → the SQL to put in place of ``-- @name``, or None for ``name.sql`` itself.
Substitute = Callable[[str], str | None]


@dataclass(frozen=True)
class SqlFolder:
    """A folder of ``<name>.sql`` files."""

    path: Path

    def file(self, name: str) -> Path:
        return self.path / f"{name}.sql"

    def names(self) -> list[str]:
        """Every file's name (without ``.sql``), sorted."""
        return sorted(p.stem for p in self.path.glob("*.sql"))

    def read(self, name: str) -> str:
        """The file's text as written (header and includes untouched)."""
        return self.file(name).read_text()

    def text(self, name: str, substitute: Substitute | None = None) -> str:
        """The file's text with every ``-- @other`` line replaced by ``other.sql`` (its
        comments stripped), or by what ``substitute(other)`` returns when not None."""

        def include(match: re.Match[str]) -> str:
            other = match.group(1)
            replacement = substitute(other) if substitute is not None else None
            if replacement is not None:
                return replacement
            return strip_comments(self.text(other, substitute))

        return _INCLUDE.sub(include, self.read(name))

    def header(self, name: str) -> dict[str, str]:
        return header(self.read(name))


def header(sql: str) -> dict[str, str]:
    """The ``-- key: value`` lines at the top of ``sql`` (keys lower-case, continuation
    lines joined with a space); the header ends at the first line that is not a comment."""
    found: dict[str, str] = {}
    key: str | None = None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        more = _CONTINUATION.match(line)
        if more and key is not None:
            found[key] = f"{found[key]} {more.group(1).strip()}".strip()
            continue
        match = _HEADER.match(line)
        if match:
            key = match.group(1).lower()
            found[key] = match.group(2).strip()
        else:
            key = None
    return found


def strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def param_names(sql: str) -> list[str]:
    """The ``:name`` parameters of a query, in order of first use (comments ignored)."""
    return list(dict.fromkeys(_PARAM.findall(strip_comments(sql))))


def check_params(params: Mapping[str, Any] | None) -> None:
    """No stored value contains a NUL character, and PostgreSQL refuses them in text: say
    so as bad input in both profiles (warehouse and app database) rather than failing in
    one."""
    for name, value in (params or {}).items():
        if isinstance(value, str) and "\x00" in value:
            raise InputError(f"{name}: NUL characters are not allowed")


def duckdb_params(sql: str, params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """Rewrite ``:name`` placeholders for DuckDB and keep only the parameters the query uses
    (leaving ``::`` casts alone)."""
    body = strip_comments(sql)
    given = dict(params or {})
    return _PARAM.sub(r"$\1", body), {name: given.get(name) for name in param_names(body)}
