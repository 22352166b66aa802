"""The naming rule of ``/api/v1`` and the CLI's JSON: a field Ergast defines keeps Ergast's
name, every field of undercut's own is snake_case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Ergast's own camelCase names (its API and its database tables), kept where undercut
# serves the same field.
ERGAST = {
    "driverId",
    "constructorId",
    "circuitId",
    "givenName",
    "familyName",
    "dateOfBirth",
    "permanentNumber",
    "raceName",
    "circuitName",
    "positionText",
    "positionOrder",
}


# maps keyed by the prediction basis (the contract's `basis` values) name keys by value
BASES = {"qualifying", "pre-qualifying"}


def offending(names: Iterator[tuple[str, str]]) -> list[str]:
    return sorted({f"{where}.{name}" for where, name in names if not allowed(name)})


def allowed(name: str) -> bool:
    return name in ERGAST or name in BASES or bool(SNAKE.match(name))


def json_keys(document: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield where, key
            yield from json_keys(value, f"{where}.{key}")
    elif isinstance(document, list):
        for item in document:
            yield from json_keys(item, where)
