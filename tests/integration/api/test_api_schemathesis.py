"""Property-based run against the OpenAPI spec: generated requests to every documented
operation, valid and invalid (paths, queries, bodies), never get a 500, and every answer
matches the schema the spec documents. Bounded: a few examples per operation and mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from support.api import add_users, api_settings
from undercut.api.app import create_app
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

EXAMPLES = 6


@pytest.fixture(scope="module")
def fuzzed_app(
    built_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    settings = api_settings(built_settings, tmp_path_factory.mktemp("fuzz") / "app.sqlite")
    add_users(settings)
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan: stores and sessions stay open for the run
        yield app


def _run_operation(operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
    checks = [not_a_server_error]
    if mode is GenerationMode.POSITIVE:
        checks.append(response_schema_conformance)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=checks)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_no_server_errors(fuzzed_app: FastAPI, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _run_operation(operation, mode)
        except Unsatisfiable:  # nothing to make invalid: the operation takes no input
            continue
        except Exception as exc:  # gather every failing operation, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
