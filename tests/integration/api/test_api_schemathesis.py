"""Property-based run against the OpenAPI spec: generated requests to every documented
operation, valid and invalid (paths, queries, bodies), never get a 500, and the spec tells
what the routes really answer: every status code documented, the documented content type,
the documented body. Both profiles (the PostgreSQL one refuses inputs the embedded one
accepts). Bounded: a few examples per operation, profile and mode."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.xdist_group("built_home")

EXAMPLES = 4


@pytest.fixture(scope="module")
def fuzzed_app(client: TestClient) -> FastAPI:
    """The app of either profile, its lifespan running (stores and sessions open)."""
    return client.app  # type: ignore[return-value]


def _run_operation(operation: schemathesis.APIOperation, mode: GenerationMode) -> None:
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        # what the spec allows is accepted, what it forbids is refused
        positive_data_acceptance if mode is GenerationMode.POSITIVE else negative_data_rejection,
    ]

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
        except (Exception, FailureGroup) as exc:  # gather every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
