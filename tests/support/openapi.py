"""Walking an app's OpenAPI document: its operations, their parameters, request paths."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return list(self.spec.get("parameters", []))

    @property
    def statuses(self) -> set[int]:
        return {int(code) for code in self.spec["responses"] if code.isdigit()}

    def url(self, values: Mapping[str, object]) -> str:
        """The path with each ``{name}`` replaced by ``values[name]``."""
        path = self.path
        for parameter in self.parameters:
            if parameter["in"] == "path":
                name = parameter["name"]
                path = path.replace("{" + name + "}", str(values[name]))
        return path


def operations(spec: dict[str, Any], method: str | None = None) -> Iterator[Operation]:
    """Every documented operation (of one HTTP method when ``method`` is given)."""
    for path, item in spec["paths"].items():
        for verb, operation in item.items():
            if method is None or verb == method.lower():
                yield Operation(verb, path, operation)


def schema_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a parameter schema admits (``anyOf`` branches included)."""
    types = {schema["type"]} if "type" in schema else set()
    for branch in schema.get("anyOf", []):
        types |= schema_types(branch)
    return types


def integer_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    """``(minimum, maximum)`` of an integer parameter schema (either may be missing)."""
    for candidate in [schema, *schema.get("anyOf", [])]:
        if candidate.get("type") == "integer":
            return candidate.get("minimum"), candidate.get("maximum")
    return None, None
