"""Errors as a browser sees them (an HTML page with a way home) and as a program sees them
(JSON), from a real ``undercut serve``; the dashboard under its own rate limit.

The server runs over the built archive home with its own app database; the API's limit is
tiny (5 an hour) and the pages' limit 150 an hour, so one test can exhaust both without a
window ending halfway (hour windows).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.dashboard import LiveServer
from undercut.config import Settings

pytestmark = pytest.mark.xdist_group("built_home")

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PROGRAM = {"accept": "application/json"}
PAGE_LIMIT = 150


@pytest.fixture(scope="module")
def server(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("error-pages")
    env = {
        "UNDERCUT_DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite'}",
        "UNDERCUT_RATE_LIMIT": "5/h",
        "UNDERCUT_RATE_LIMIT_PAGES": f"{PAGE_LIMIT}/h",
    }
    with LiveServer(built_settings, tmp / "server.log", env=env) as live:
        yield live.url


def _is_friendly_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert '<header class="site">' in body and '<main id="content"' in body  # the site's frame
    assert 'href="/"' in body.split("<main", 1)[1]  # a way home from the message itself
    assert '"detail"' not in body


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_a_program(
    server: str,
) -> None:
    with httpx.Client(base_url=server) as client:
        _is_friendly_page(client.get("/no/such/page", headers=BROWSER), 404)
        _is_friendly_page(client.get("/drivers/nobody", headers=BROWSER), 404)
        program = client.get("/no/such/page", headers=PROGRAM)
        assert program.status_code == 404 and program.json()["error"] == "not_found"


def test_api_paths_answer_json_even_to_a_browser(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        for path in ("/api/v1/drivers/nobody", "/ergast/f1/drivers/nobody/results"):
            response = client.get(path, headers=BROWSER)
            assert response.headers["content-type"].startswith("application/json"), path


def test_bad_input_in_a_page_address_is_the_clients_error_as_in_the_api(server: str) -> None:
    """A NUL character in a driver id is refused as bad input (400) by the API; the driver's
    page answered 503, a server fault counted by the 5xx alert, with no Retry-After."""
    with httpx.Client(base_url=server) as client:
        api = client.get("/api/v1/drivers/ham%00ilton", headers=PROGRAM)
        assert api.status_code == 400 and api.json()["error"] == "bad_request"
        page = client.get("/drivers/ham%00ilton", headers=BROWSER)
        _is_friendly_page(page, 400)
        assert "NUL characters are not allowed" in page.text
        assert "undercut ingest archive" not in page.text  # no "load the warehouse" advice


def test_pages_and_static_files_have_their_own_higher_limit(server: str) -> None:
    """A browsing session (pages and their static files) goes well past the API's limit;
    past the pages' own limit a browser gets a page, a program JSON, both saying when to
    retry; the API's count is apart from the pages'."""
    with httpx.Client(base_url=server) as client:
        api = [client.get("/api/v1/next-race").status_code for _ in range(6)]
        assert api[-1] == 429  # the API's limit is spent (other tests may have used some)
        style = client.get("/", headers=BROWSER).text.split('href="/static/', 1)[1].split('"')[0]
        paths = ["/drivers", f"/static/{style}", "/circuits", "/constructors"]
        answers = [
            client.get(paths[i % len(paths)], headers=BROWSER).status_code
            for i in range(PAGE_LIMIT)
        ]
        # well past the API's 5 (the other tests here ask for a few pages too)
        assert 429 in answers and answers.index(429) >= PAGE_LIMIT - 10
        assert set(answers[: answers.index(429)]) == {200}
        limited = client.get("/drivers", headers=BROWSER)
        _is_friendly_page(limited, 429)
        assert int(limited.headers["retry-after"]) >= 1
        as_program = client.get("/drivers", headers=PROGRAM)
        assert as_program.status_code == 429 and as_program.json()["error"] == "rate_limited"


def test_a_page_limit_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    from undercut.api.ratelimit import Limiter
    from undercut.config import get_settings
    from undercut.errors import InputError

    settings = get_settings(home=str(tmp_path)).model_copy(update={"rate_limit_pages": "lots"})
    with pytest.raises(InputError, match="UNDERCUT_RATE_LIMIT_PAGES"):
        Limiter(settings, None)
