"""Integer inputs have bounds in the schema: a huge value is a 422, never a database
overflow (SQLite OverflowError, PostgreSQL NumericValueOutOfRange) answered as a 500.
Both profiles, every integer parameter the OpenAPI document lists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from support.api import ADMIN_PASSWORD, bearer, login
from support.openapi import integer_bounds, operations, schema_types

pytestmark = pytest.mark.xdist_group("built_home")

HUGE = 2**63  # one past the largest 64-bit integer


def _filler(parameter: dict[str, object]) -> object:
    schema = parameter["schema"]
    assert isinstance(schema, dict)
    if "integer" in schema_types(schema):
        return integer_bounds(schema)[0] or 1
    return "x"


def test_every_integer_parameter_is_bounded_and_refuses_a_huge_value(client: TestClient) -> None:
    headers = bearer(login(client, "admin", ADMIN_PASSWORD)["access_token"])
    tried, unbounded, answers = [], [], []
    for operation in operations(client.get("/openapi.json").json()):
        for parameter in operation.parameters:
            if "integer" not in schema_types(parameter["schema"]):
                continue
            name = f"{operation.method.upper()} {operation.path} {parameter['name']}"
            if None in integer_bounds(parameter["schema"]):
                unbounded.append(name)
            for value in (HUGE, -HUGE - 1):
                values = {p["name"]: _filler(p) for p in operation.parameters if p["in"] == "path"}
                query = {}
                if parameter["in"] == "path":
                    values[parameter["name"]] = value
                else:
                    query[parameter["name"]] = value
                response = client.request(
                    operation.method, operation.url(values), params=query, headers=headers
                )
                tried.append(name)
                if response.status_code != 422:
                    answers.append(f"{name}={value}: {response.status_code} {response.text[:200]}")
    assert len(tried) >= 30
    assert not unbounded, f"integer parameters without both bounds: {unbounded}"
    assert not answers, "\n".join(answers)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/lineage/{HUGE}",
        f"/api/v1/lineage/2025:{HUGE}",
        f"/api/v1/lineage/{HUGE}:1",
    ],
)
def test_a_huge_number_in_a_text_parameter_is_refused(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"/ergast/f1/drivers.json?limit={HUGE}&offset={HUGE}",
        f"/ergast/f1/drivers.json?limit=-{HUGE}&offset=-{HUGE}",
        f"/ergast/f1/{HUGE}/results.json",
        f"/ergast/f1/2023/{HUGE}/results.json",
        f"/ergast/f1/2023/drivers/hamilton/results/{HUGE}.json",
        f"/ergast/f1/2023/{HUGE}/laps/{HUGE}.json",
    ],
)
def test_ergast_takes_huge_numbers_without_a_server_error(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500, response.text
