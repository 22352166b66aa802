"""An Ergast query's text cut down to the filters a path gives, before a database plans it.

Each endpoint's SQL is written once for every combination of filters: a filter is
``($name is null or <condition>)``, true when the path does not give it. Planning that
text costs DuckDB more than running it, and most of a path's filters are absent, so the
text a database sees drops them: ``($name is null or <condition>)`` becomes ``true`` when
``name`` is not given and ``(<condition>)`` when it is (the same rows either way), and then
the CTEs that no longer feed the result are dropped. The text depends only on which
filters are given, never on their values, which stay bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from undercut.sql import strip_comments

_OPTIONAL = re.compile(r"\(\$(\w+) is null\s+or\s+")
# A CTE starts on a line of its own, at the start of the line: ``name as (``; the first
# may follow ``with`` on the same line.
_CTE = re.compile(r"^(?:with\s+)?(\w+) as \($", re.MULTILINE)


def _closing(sql: str, start: int) -> int:
    """The index just past the parenthesis closing the one open before ``start``
    (string literals skipped)."""
    depth, index, quoted = 1, start, False
    while depth:
        char = sql[index]
        if char == "'":
            quoted = not quoted
        elif not quoted:
            depth += (char == "(") - (char == ")")
        index += 1
    return index


def _cut_filters(sql: str, given: frozenset[str]) -> str:
    parts, index = [], 0
    while match := _OPTIONAL.search(sql, index):
        end = _closing(sql, match.end())
        parts.append(sql[index : match.start()])
        condition = sql[match.end() : end - 1]
        parts.append(f"({_cut_filters(condition, given)})" if match[1] in given else "true")
        index = end
    parts.append(sql[index:])
    return "".join(parts)


def _drop_unused_ctes(sql: str) -> str:
    while True:
        for match in _CTE.finditer(sql):
            name = match[1]
            if len(re.findall(rf"\b{name}\b", sql)) > 1:
                continue  # something reads it
            end = _closing(sql, match.end())
            rest = re.sub(r"^\s*,", "", sql[end:], count=1)
            head = "with " if match[0].startswith("with") else ""
            sql = sql[: match.start()] + head + rest.lstrip()
            break
        else:
            return sql


@cache
def _specialised(sql: str, given: frozenset[str]) -> str:
    return _drop_unused_ctes(_cut_filters(strip_comments(sql), given))


def specialised(sql: str, given: Iterable[str]) -> str:
    """``sql`` as a database should plan it when only the parameters ``given`` have values."""
    return _specialised(sql, frozenset(given))
