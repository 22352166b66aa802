"""``/api/v1`` and the CLI's JSON speak one naming rule: a field Ergast defines keeps
Ergast's name, every field of undercut's own is snake_case. The Ergast API is left out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.naming import json_keys, offending
from undercut.api.app import create_app
from undercut.cli import main
from undercut.config import Settings, get_settings


def _refs(schema: Any) -> Iterator[str]:
    """Every ``$ref`` inside a schema, however deeply nested."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _refs(item)


def _properties(schema: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every property name declared inline in a schema, with where it sits."""
    if isinstance(schema, dict):
        for name, value in (schema.get("properties") or {}).items():
            yield where, name
            yield from _properties(value, f"{where}.{name}")
        for key, value in schema.items():
            if key != "properties":
                yield from _properties(value, where)
    elif isinstance(schema, list):
        for item in schema:
            yield from _properties(item, where)


def api_v1_response_names(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, property name) of every schema a ``/api/v1`` response uses."""
    components = spec["components"]["schemas"]
    pending: list[str] = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                for content in response.get("content", {}).values():
                    schema = content.get("schema", {})
                    yield from _properties(schema, f"{method} {path} {status}")
                    pending.extend(_refs(schema))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        yield from _properties(components[name], name)
        pending.extend(_refs(components[name]))


def test_every_api_v1_response_field_follows_the_rule(tmp_path: Path) -> None:
    app = create_app(get_settings(home=str(tmp_path)))
    with TestClient(app) as client:
        spec = client.get("/openapi.json").json()
    names = list(api_v1_response_names(spec))
    assert {"DriverDetail.races_entered", "Career.fastest_laps"} <= {
        f"{where}.{name}" for where, name in names
    }
    assert offending(iter(names)) == []


def test_the_rule_catches_a_camel_case_field() -> None:
    spec = {
        "paths": {
            "/api/v1/x": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/X"}}
                            }
                        }
                    }
                }
            },
            "/ergast/f1/x": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/E"}}
                            }
                        }
                    }
                }
            },
        },
        "components": {
            "schemas": {
                "X": {
                    "properties": {
                        "driverId": {},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Y"}},
                    }
                },
                "Y": {"properties": {"racesEntered": {}, "first_season": {}}},
                "E": {"properties": {"MRData": {}}},
            }
        },
    }
    assert offending(api_v1_response_names(spec)) == ["Y.racesEntered"]


@pytest.mark.parametrize(
    "command",
    [
        ["drivers", "--limit", "3"],
        ["driver", "farina"],
        ["constructors", "--limit", "3"],
        ["constructor", "maserati"],
        ["circuits", "--limit", "3"],
        ["circuit", "monaco"],
        ["standings", "2023"],
    ],
)
def test_stats_json_fields_follow_the_rule(
    capsys: pytest.CaptureFixture[str], built_settings: Settings, command: list[str]
) -> None:
    capsys.readouterr()
    code = main(["stats", *command, "--format", "json", "--home", built_settings.home])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert offending(json_keys(json.loads(out), command[0])) == []
