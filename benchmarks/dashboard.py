"""Dashboard pages against the JSON reads they are built from, in one process.

Each page is requested through the ASGI app (no network) after one warm-up request; the
figure printed is the median time per page and its ratio to the ``/api/v1`` read(s) the
page shows, so the cost of templates and chart JSON is visible apart from the queries.
Also prints the HTML size and the compressed size of plotly.js the first visit downloads.

    python benchmarks/dashboard.py --home DIR [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

PAGES = {
    "/": ["/api/v1/next-race"],
    "/seasons/2023": [
        "/api/v1/standings/2023/drivers",
        "/api/v1/standings/2023/progression",
        "/api/v1/seasons/2023/races",
    ],
    "/drivers/hamilton": [
        "/api/v1/drivers/hamilton",
        "/api/v1/ratings/drivers/hamilton/history",
        "/api/v1/teammates/hamilton",
    ],
    "/constructors/ferrari": [
        "/api/v1/constructors/ferrari",
        "/api/v1/ratings/constructors/ferrari/history",
    ],
    "/circuits/monza": ["/api/v1/circuits/monza"],
    "/model": [],
}


def _median(client: object, path: str, repeat: int) -> float:
    get = client.get  # type: ignore[attr-defined]
    get(path)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get(path, headers={"Cache-Control": "no-cache"})
        samples.append(time.perf_counter() - started)
        assert response.status_code < 500, (path, response.status_code)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a data home with gold built")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from undercut.api.app import create_app
    from undercut.config import get_settings

    settings = get_settings(home=args.home).model_copy(
        update={"rate_limit": "none", "rate_limit_pages": "none", "cache_seconds": 0}
    )
    with TestClient(create_app(settings)) as client:
        print(f"{'page':<24}{'page ms':>9}{'api ms':>9}{'ratio':>7}{'html KB':>9}")
        for page, reads in PAGES.items():
            page_s = _median(client, page, args.repeat)
            api_s = sum(_median(client, read, args.repeat) for read in reads)
            size = len(client.get(page).content) / 1024
            ratio = f"{page_s / api_s:6.1f}x" if api_s else "     -"
            print(f"{page:<24}{page_s * 1000:9.1f}{api_s * 1000:9.1f}{ratio:>7}{size:9.1f}")
        html = client.get("/seasons/2023").text
        plotly = html.split('src="/static/plotly-')[1].split('"')[0]
        packed = client.get(f"/static/plotly-{plotly}", headers={"Accept-Encoding": "gzip"})
        print(
            f"plotly.js: {len(packed.content) / 1024:.0f} KB, sent compressed as "
            f"{int(packed.headers['content-length']) / 1024:.0f} KB, cached for a year"
        )


if __name__ == "__main__":
    main()
