"""Dashboard pages over the real archive without a browser: content, missing data, assets.

The home has gold built but no model, prediction or backtest: every page must still
answer 200 with a message saying what is missing and how to make it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from undercut.api.app import create_app
from undercut.config import Settings, get_settings

pytestmark = pytest.mark.xdist_group("built_home")


@pytest.fixture(scope="module")
def client(
    built_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    app_db = tmp_path_factory.mktemp("web-appdb") / "app.sqlite"
    settings = built_settings.model_copy(
        update={"database_url": f"sqlite:///{app_db}", "rate_limit": "none"}
    )
    with TestClient(create_app(settings)) as client:
        yield client


BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_season_page_shows_the_api_standings(client: TestClient) -> None:
    response = client.get("/seasons/2023")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/standings/2023/drivers").json()
    links = re.findall(
        r'<th scope="row"><a href="/drivers/([^"]+)">',
        response.text.split('id="driver-standings"')[1].split("</table>")[0],
    )
    assert links == [d["driverId"] for d in api["drivers"]]
    assert links[0] == "max_verstappen"
    text = _text(response.text)
    assert "Max Verstappen 575 19" in text  # points and wins of the 2023 champion
    assert 'id="chart-progression"' in response.text


def test_pages_without_a_model_explain_what_is_missing(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    text = _text(home.text)
    assert "No prediction for this race yet" in text and "undercut predict" in text
    assert "Last race:" in text  # the last race's result is shown instead
    model = client.get("/model")
    assert model.status_code == 200
    text = _text(model.text)
    assert "No model trained yet" in text and "No backtest stored yet" in text
    assert "No scored forecasts yet" in text
    upcoming = client.get("/api/v1/next-race").json()
    race = client.get(f"/races/{upcoming['season']}/{upcoming['round']}")
    assert race.status_code == 200 and "has not been run yet" in _text(race.text)


def test_detail_pages_show_the_api_facts(client: TestClient) -> None:
    driver = _text(client.get("/drivers/hamilton").text)
    assert "Lewis Hamilton" in driver and "Wins 105" in driver and "Titles 7" in driver
    assert "Team-mate head-to-heads" in driver and "Nico Rosberg" in driver
    ferrari = client.get("/constructors/ferrari")
    assert ferrari.status_code == 200 and 'id="chart-elo"' in ferrari.text
    monza = _text(client.get("/circuits/monza").text)
    assert "Autodromo Nazionale di Monza" in monza and "Italy" in monza
    assert "Race lap record" in monza


def test_lists_find_drivers_constructors_and_circuits(client: TestClient) -> None:
    drivers = client.get("/drivers", params={"q": "verst"})
    assert drivers.status_code == 200
    assert re.findall(r'href="/drivers/([^"]+)"', drivers.text.split('id="list"')[1]) == [
        "max_verstappen",
        "verstappen",
    ]
    top = _text(client.get("/drivers").text)
    assert "Lewis Hamilton British 2007\u20132025 105 7" in top  # most wins first
    assert "/constructors/ferrari" in client.get("/constructors", params={"q": "ferrari"}).text
    assert "Autodromo Nazionale di Monza" in client.get("/circuits").text
    nothing = client.get("/drivers", params={"q": "zzzz"})
    assert nothing.status_code == 200 and "No driver matches" in nothing.text


def test_lists_page_through_every_row_and_search_all_of_them(client: TestClient) -> None:
    total = client.get("/api/v1/drivers", params={"limit": 1}).json()["total"]
    seen: list[str] = []
    url: str | None = "/drivers"
    pages = 0
    while url is not None:
        page = client.get(url)
        assert page.status_code == 200, url
        table = page.text.split('id="list"')[1].split("</table>")[0]
        seen += re.findall(r'href="/drivers/([^"]+)"', table)
        pages += 1
        next_link = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        url = next_link.group(1).replace("&amp;", "&") if next_link else None
    assert len(seen) == len(set(seen)) == total > 800  # every driver, once
    first = _text(client.get("/drivers").text)
    assert f"{total:,} drivers: 1\u201350 shown, page 1 of {pages}" in first
    last = client.get("/drivers", params={"page": pages}).text
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/drivers", params={"page": pages + 1}).status_code == 404
    # a search covers every row, not the page in view, and its pages keep the query
    found = client.get("/drivers", params={"q": "schumacher"}).text
    assert {"michael_schumacher", "ralf_schumacher", "mick_schumacher"} <= set(
        re.findall(r'href="/drivers/([^"]+)"', found)
    )
    many = client.get("/drivers", params={"q": "a"}).text
    assert 'href="/drivers?q=a&amp;page=2" rel="next"' in many


def test_moments_are_written_in_utc_for_the_page_to_localise(client: TestClient) -> None:
    home = client.get("/").text
    schedule = home.split('class="data schedule"')[1].split("</table>")[0]
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:00Z" data-local>', schedule)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", schedule)
    assert "Z</td>" not in schedule  # no raw ISO times


def test_unknown_things_are_html_404s(client: TestClient) -> None:
    for path in (
        "/drivers/nobody",
        "/constructors/nobody",
        "/circuits/nowhere",
        "/seasons/1900",
        "/races/2023/40",
        "/seasons/2023?round=40",
    ):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        program = client.get(path)  # a program gets the same error as the API's JSON
        assert program.status_code == 404 and program.json()["error"] == "not_found", path


def test_a_season_or_round_that_is_not_a_number_is_an_html_404(client: TestClient) -> None:
    for path in (
        "/seasons/abc",
        "/seasons/2023.5",
        "/seasons/2023?round=x",
        "/seasons?season=abc",
        "/races/x/1",
        "/races/2023/first",
        "/races/%3Cscript%3E/1",
    ):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "is not a number" in _text(response.text), path
        assert "<script>" not in response.text, path
    picked = client.get("/seasons?season=2023", follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"] == "/seasons/2023"
    assert client.get("/races/2023/1").status_code == 200
    api = client.get("/api/v1/standings/abc/drivers")  # the API keeps its JSON errors
    assert api.status_code == 422 and api.json()["error"] == "invalid_request"


def test_plotly_is_served_from_the_package_compressed_and_cacheable(client: TestClient) -> None:
    import plotly

    page = client.get("/seasons/2023").text
    src = re.search(r'src="(/static/plotly-[^"]+)"', page)
    assert src is not None and "cdn" not in page.lower()
    response = client.get(src.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    shipped = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert response.content == shipped  # httpx decoded the gzip body
    assert int(response.headers["content-length"]) < len(shipped) / 2
    again = client.get(src.group(1), headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/..%2Fpages.py").status_code == 404


def test_an_empty_home_gets_a_helpful_page(tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path / "empty")).model_copy(update={"rate_limit": "none"})
    with TestClient(create_app(settings)) as client:
        for path in ("/", "/seasons/2023", "/model", "/drivers/hamilton"):
            response = client.get(path, headers=BROWSER)
            assert response.status_code == 503, path
            assert response.headers["content-type"].startswith("text/html"), path
            assert "No data yet" in response.text and "undercut build" in response.text, path
            assert int(response.headers["retry-after"]) >= 1, path  # as the API's 503s say


def test_a_hindcast_is_labelled_and_kept_out_of_the_live_accuracy(
    built_settings: Settings, tmp_path: Path
) -> None:
    from support.api import uniform_prediction
    from undercut.appdb.predictions import store_prediction
    from undercut.ml.evaluate import evaluate_finished

    settings = built_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}/app.sqlite", "rate_limit": "none"}
    )
    with TestClient(create_app(settings)) as client:
        document = uniform_prediction(client, 2025, 18, "hindcast", "web-test-hindcast", "2025:17")
        store_prediction(settings, document, "input-hash")
        assert evaluate_finished(settings)
        race = _text(client.get("/races/2025/18").text)
        assert "Hindcast vs actual" in race and "Predicted vs actual" not in race
        assert "not a forecast" in race
        home = _text(client.get("/").text)
        assert "Hindcast vs actual" in home and "not a forecast" in home
        model = client.get("/model").text
        live = _text(model.split('id="live-heading"')[1].split("</section>")[0])
        assert "No scored forecasts yet" in live and "web-test-hindcast" not in live
        hindcasts = _text(model.split('id="hindcast-heading"')[1].split("</section>")[0])
        assert "2025:18" in hindcasts and "web-test-hindcast" in hindcasts


def test_pages_render_in_threads_of_their_own_not_the_apis(client: TestClient) -> None:
    """A page can take tens of milliseconds to render (a race page: about 60), and the
    API's reads run in a few threads per process (``serving_threads``): pages rendered in
    those, two at once held every API read up behind them. With every API thread taken, a
    page still renders."""
    import threading

    from anyio import CapacityLimiter, to_thread

    borrower = object()
    limiter: CapacityLimiter = client.portal.call(to_thread.current_default_thread_limiter)
    taken = 0
    while limiter.available_tokens:
        client.portal.call(limiter.acquire_on_behalf_of, (borrower, taken))
        taken += 1
    answers: list[int] = []
    page = threading.Thread(target=lambda: answers.append(client.get("/races/2023/1").status_code))
    try:
        page.start()
        page.join(timeout=30)
        rendered_meanwhile = not page.is_alive()
    finally:
        for n in range(taken):
            client.portal.call(limiter.release_on_behalf_of, (borrower, n))
        page.join()
    assert taken >= 1 and rendered_meanwhile and answers == [200]
