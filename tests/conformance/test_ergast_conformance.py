"""Every recorded Ergast API response, replayed against ``/ergast/f1`` on the real archive.

File name = request path (``@`` for ``/``, ``^`` for ``?``). The only differences allowed
are the documented Ergast quirks: the ``url``/``xmlns`` fields, trailing zeros in lap and
race times, and ``N``/``W`` written where the archive says ``R`` in ``positionText``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from undercut.config import test_data_dir as shared_data_dir

RESPONSES_DIR = shared_data_dir() / "ergast-api-responses"

# Responses the archive has no data for, with the reason (nothing else may be skipped).
NOT_IN_ARCHIVE: dict[str, str] = {
    "laps/2023@18@laps.json^offset=45": (
        "the archive has no lap times and only a 30-row page of the 1,014 timings of "
        "2023 round 18 was recorded, so the race's laps cannot be loaded in full"
    ),
}

# Some responses were recorded from the Ergast-compatible service's own database, whose
# values differ from the Ergast-format archive in a few places. Each entry names the
# difference and the exact differences it explains (regular expressions over the
# reported differences); every other field of the response must still match, and every
# listed difference must still occur (so the list cannot go stale).
_LAS_VEGAS = (
    "the archive names the Las Vegas circuit's country 'United States', the recording 'USA'",
    [
        r"^/MRData/RaceTable/Races\[20\]/Circuit/Location/country: "
        r"'United States' != expected 'USA'$"
    ],
)
_SPRINT_RANKS = (
    "the recording has sprint fastest-lap ranks for the 2023 round 9 sprint only; the "
    "archive has no sprint fastest-lap ranks for 2023",
    [r"^/MRData/RaceTable/Races\[1\]/SprintResults\[\d+\]/FastestLap/rank: missing "],
)
ARCHIVE_DIFFERENCES: dict[str, tuple[str, list[str]]] = {
    "races/2023@races.json": _LAS_VEGAS,
    "qualifying/2023@grid@1@qualifying.json": _LAS_VEGAS,
    "qualifying/2023@fastest@1@qualifying.json": _LAS_VEGAS,
    "sprint/2023@sprint.json": _SPRINT_RANKS,
    "sprint/2023@sprint@17.json": _SPRINT_RANKS,
    "sprint/2023@status@1@sprint.json": _SPRINT_RANKS,
    "sprint/2023@constructors@red_bull@sprint.json": _SPRINT_RANKS,
    "sprint/drivers@de_vries@sprint.json": _SPRINT_RANKS,
    "pitstops/2023@18@pitstops.json": (
        "for 2023 round 18 the archive repeats Leclerc's first stop (lap 23, 23.963 s) as "
        "Ricciardo's, whose recorded first stop is lap 22, 24.364 s",
        [r"^/MRData/RaceTable/Races\[0\]/PitStops\[1[67]\]/(driverId|duration|lap|time): "],
    ),
    "results/2023@results.json": (
        "the recording uses the service's 2023 status classes ('Lapped', 'Retired') and "
        "gives lapped cars a race time; the archive keeps Ergast's ('+1 Lap', 'Engine', ...)",
        [
            r"/Results\[\d+\]/status: '[^']+' != expected '(Lapped|Retired)'$",
            r"/Results\[\d+\]/Time: missing \(expected \{'millis'",
        ],
    ),
    "results/2023@status@1@results.json": (
        "the recording counts 316 'Finished' 2023 results, the archive 304 (the service "
        "re-classified some lapped finishers)",
        [r"^/MRData/total: '304' != expected '316'$"],
    ),
}

# Responses the archive's data cannot reproduce at all, with the reason.
DIFFERENT_DATA: dict[str, str] = {
    "status/2023@status.json": (
        "recorded with the service's 2023 status classes (Lapped 143, Retired 31, Did not "
        "start 142) and ordered by count; the archive has Ergast's 24 detailed 2023 "
        "statuses, listed by id as Ergast does"
    ),
    "status/2023@17@status.json": (
        "recorded with the service's 2023 status classes (Lapped 143, Retired 31, Did not "
        "start 142); the archive has Ergast's detailed statuses"
    ),
    "qualifying/2023@qualifying@1.json": (
        "qualifying/1 also matches the driver placed first in a single session; the "
        "recording's session places are not the archive's Q1/Q2 times (2023 round 13: "
        "Albon's 1:20.939 is the fastest Q1 time in the archive; round 16: Leclerc's "
        "1:29.940 the fastest Q2 time), so it lists 41 entries where the archive gives 44"
    ),
}


def _recorded() -> list[Any]:
    names = sorted(
        str(path.relative_to(RESPONSES_DIR))
        for path in RESPONSES_DIR.rglob("*")
        if path.is_file() and ".json" in path.name
    )
    if not names:
        # No data: one case that asks for the data fixture, which skips or fails loudly.
        return [pytest.param("missing", id="recorded-responses-missing")]
    params = []
    for name in names:
        marks: list[Any] = []
        if name in NOT_IN_ARCHIVE:
            marks.append(pytest.mark.skip(reason=NOT_IN_ARCHIVE[name]))
        if name in DIFFERENT_DATA:
            marks.append(pytest.mark.xfail(reason=DIFFERENT_DATA[name], strict=True))
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def request_path(name: str) -> str:
    """``results/2023@status@1@results.json`` -> ``/ergast/f1/2023/status/1/results.json``."""
    return "/ergast/f1/" + Path(name).name.replace("@", "/").replace("^", "?")


def normalise(node: Any, key: str | None = None) -> Any:
    """Apply the documented quirks to a response so two conformant ones compare equal."""
    if isinstance(node, dict):
        out = {}
        for name, value in node.items():
            if name in ("url", "xmlns"):
                continue
            out[name] = normalise(value, name)
        timed = key in ("Time", "Timings")
        if timed and isinstance(out.get("time"), str) and "." in out["time"]:
            out["time"] = out["time"].rstrip("0")
        return out
    if isinstance(node, list):
        return [normalise(value, key) for value in node]
    if key == "positionText" and node in ("N", "W"):
        return "R"
    return node


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Paths where two JSON documents differ (first few), for a readable failure."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for name in sorted(set(expected) | set(actual)):
            if name not in actual:
                found.append(f"{where}/{name}: missing (expected {expected[name]!r:.80})")
            elif name not in expected:
                found.append(f"{where}/{name}: unexpected {actual[name]!r:.80}")
            else:
                found += differences(expected[name], actual[name], f"{where}/{name}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        if len(expected) != len(actual):
            found.append(f"{where}: {len(actual)} items, expected {len(expected)}")
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            found += differences(left, right, f"{where}[{index}]")
        return found
    return [] if expected == actual else [f"{where}: {actual!r} != expected {expected!r}"]


@pytest.mark.xdist_group("loaded_home")
@pytest.mark.parametrize("name", _recorded())
def test_recorded_response(
    name: str, api_responses_dir: Path, ergast_client: Any, record_property: Any
) -> None:
    expected = json.loads((api_responses_dir / name).read_text())
    response = ergast_client.get(request_path(name))
    assert response.status_code == 200, response.text
    actual = response.json()
    found = differences(normalise(expected), normalise(actual))
    _reason, allowed = ARCHIVE_DIFFERENCES.get(name, ("", []))
    unexplained = [line for line in found if not any(re.search(p, line) for p in allowed)]
    assert not unexplained, f"{len(unexplained)} differences:\n" + "\n".join(unexplained[:15])
    stale = [p for p in allowed if not any(re.search(p, line) for line in found)]
    assert not stale, f"listed archive differences no longer occur: {stale}"
    record_property("conformance", "archive-differences" if found else "exact")


# Paths beyond the recordings, for the PostgreSQL comparison: every endpoint and filter.
MORE_PATHS = (
    "/ergast/f1/current/last/results",
    "/ergast/f1/current/next",
    "/ergast/f1/2023/drivers/alonso/results?limit=5&offset=3",
    "/ergast/f1/drivers/alonso/fastest/1/circuits",
    "/ergast/f1/drivers/hamilton/driverStandings/1/seasons",
    "/ergast/f1/driverStandings/1?limit=100",
    "/ergast/f1/driverStandings/1/drivers?limit=100",
    "/ergast/f1/constructorStandings/1/constructors",
    "/ergast/f1/2021/driverStandings",
    "/ergast/f1/2023/5/constructorStandings",
    "/ergast/f1/status?limit=100",
    "/ergast/f1/2023/10/grid/1/pitstops",
    "/ergast/f1/2023/10/results/1/laps/1",
    "/ergast/f1/2023/sprint/1",
    "/ergast/f1/2023/qualifying?offset=420",
    "/ergast/f1/drivers?limit=100&offset=800",
    "/ergast/f1/results?offset=27100",
    "/ergast/f1/results?offset=999999",
    "/ergast/f1/seasons/2010",
    "/ergast/f1/2023/laps",
    "/ergast/f1/2023/grid/abc/results",
)


@pytest.mark.xdist_group("loaded_home")
@pytest.mark.parametrize(
    "path", [request_path(p.values[0]) for p in _recorded()] + list(MORE_PATHS)
)
def test_postgresql_answers_as_duckdb(path: str, ergast_client: Any, ergast_pg_client: Any) -> None:
    """The production profile (queries on the published copy in PostgreSQL) answers
    exactly as the embedded one (the DuckDB warehouse) does."""
    embedded, production = ergast_client.get(path), ergast_pg_client.get(path)
    assert production.status_code == embedded.status_code, production.text
    assert differences(embedded.json(), production.json()) == []


@pytest.fixture(scope="session")
def snapshot(ergast_settings: Any) -> Any:
    from undercut.serving.store import SnapshotStore

    store = SnapshotStore(ergast_settings)
    assert store.load()
    return store


# Paths of MORE_PATHS that Ergast refuses (400) before any query runs.
REFUSED = ("/ergast/f1/seasons/2010", "/ergast/f1/2023/laps", "/ergast/f1/2023/grid/abc/results")


@pytest.mark.xdist_group("loaded_home")
@pytest.mark.parametrize(
    "path",
    [request_path(p.values[0]) for p in _recorded()]
    + [path for path in MORE_PATHS if path not in REFUSED],
)
def test_the_query_cut_to_the_given_filters_selects_what_the_whole_one_does(
    path: str, snapshot: Any
) -> None:
    """Each path's query runs with its absent filters cut from the text; the whole text,
    with every filter a NULL parameter, must select the same rows in the same order."""
    from undercut.api.ergast.endpoints import duckdb_run, load_sql, resolve
    from undercut.api.ergast.grammar import parse_path
    from undercut.api.ergast.query_text import specialised

    route = path.removeprefix("/ergast/f1/").split("?")[0]
    with snapshot.reader() as reader:
        run = duckdb_run(reader.cursor)
        resolved = resolve(parse_path(route), route, run)
        whole = load_sql(resolved.endpoint.name)
        given = [name for name, value in resolved.parameters.items() if value is not None]
        cut = specialised(whole, given)
        assert len(cut) < len(whole)
        assert run(cut, resolved.parameters) == run(whole, resolved.parameters)
