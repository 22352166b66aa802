"""``ReadRouter`` answers what FastAPI would: the response model, validated, by alias."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from undercut.api.routes.v1.common import ReadRouter


class Lap(BaseModel):
    driver_id: str = Field(alias="driverId")
    ms: int


def _client() -> TestClient:
    router = ReadRouter()

    @router.get("/lap", response_model=Lap)
    def lap() -> Any:
        return Lap(driverId="alonso", ms=80_901)

    @router.get("/raw", response_model=Lap)
    def raw() -> Any:
        return {"driverId": "hamilton", "ms": "81000"}  # validated, as FastAPI does

    @router.get("/broken", response_model=Lap)
    def broken() -> Any:
        return {"driverId": "hamilton"}

    app = FastAPI()
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=False)


def test_the_model_is_encoded_by_alias() -> None:
    client = _client()
    response = client.get("/lap")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"driverId": "alonso", "ms": 80901}
    assert client.get("/raw").json() == {"driverId": "hamilton", "ms": 81000}


def test_an_answer_the_model_refuses_is_a_server_error() -> None:
    assert _client().get("/broken").status_code == 500


def test_the_schema_still_documents_the_model() -> None:
    schema = _client().app.openapi()  # type: ignore[attr-defined]
    ok = schema["paths"]["/lap"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/Lap"}
