"""Property-based run against the OpenAPI spec: generated requests to every documented
operation, valid and invalid (paths, queries, bodies), never get a 500, and every answer
matches the schema the spec documents. Both profiles (the PostgreSQL one refuses inputs
the embedded one accepts). Bounded: a few examples per operation, profile and mode."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.xdist_group("built_home")

EXAMPLES = 4


@pytest.fixture(scope="module")
def fuzzed_app(client: TestClient) -> FastAPI:
    """The app of either profile, its lifespan running (stores and sessions open)."""
    return client.app  # type: ignore[return-value]


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
