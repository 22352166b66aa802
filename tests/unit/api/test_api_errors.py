"""Who gets an error as a page and who as JSON (the live server's view:
tests/integration/web/test_error_pages.py)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from undercut.api import errors

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/v1/broken")
    def api_broken() -> None:
        raise RuntimeError("a bug")

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("path", "accept", "html"),
    [
        ("/seasons/2023", BROWSER, True),
        ("/seasons/2023", "application/json", False),
        ("/seasons/2023", "application/json, text/html", False),
        ("/seasons/2023", "*/*", False),
        ("/api/v1/drivers", BROWSER, False),
        ("/ergast/f1/drivers", BROWSER, False),
        ("/auth/token", BROWSER, False),
        ("/api", BROWSER, False),
    ],
)
def test_a_browser_on_a_dashboard_address_gets_html(path: str, accept: str, html: bool) -> None:
    from starlette.requests import Request

    scope = {"type": "http", "path": path, "headers": [(b"accept", accept.encode())]}
    assert errors.wants_html(Request(scope)) is html


def test_a_bug_is_a_page_for_a_browser_and_json_with_its_request_id_for_a_program(
    client: TestClient,
) -> None:
    page = client.get("/broken", headers={"accept": BROWSER})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text and 'href="/"' in page.text
    assert "a bug" not in page.text  # the traceback stays in the log
    program = client.get("/api/v1/broken", headers={"accept": BROWSER})
    assert program.status_code == 500 and program.json()["error"] == "internal"
    assert "request_id" in program.json()
