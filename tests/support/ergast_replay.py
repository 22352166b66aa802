"""Replays of the Ergast-compatible API for ``undercut update`` tests.

Two sources, both answering ``/ergast/f1/<path>`` on a ``LocalServer``:

- files named like the recorded responses in ``shared/data/ergast-api-responses`` (the
  request path after ``/ergast/f1/`` with ``@`` for ``/`` and ``^`` for ``?``), from
  that folder and from ``tests/fixtures/jolpica`` (races after the archive);
- the Ergast-compatible API of ``undercut serve`` over a warehouse holding the full
  archive: the reference answers for races cut from a test's archive.

``truncate_archive`` writes a copy of an Ergast-format archive without its last races.
"""

from __future__ import annotations

import csv
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from support.httpserver import Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jolpica"
PREFIX = "/ergast/f1/"
JSON = {"Content-Type": "application/json"}

Handler = Callable[[str, dict[str, str]], Reply]

# The archive ends with 2025 round 18; update tests cut these races and bring them back.
CUT_SEASON, CUT_FIRST, CUT_LAST = 2025, 16, 18


def file_name(path: str) -> str:
    """The recorded-response name of a request (``limit`` and ``offset=0`` left out)."""
    parts = urlsplit(path)
    tail = parts.path.split(PREFIX, 1)[-1]
    if not tail.endswith(".json"):
        tail += ".json"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query)
        if k != "limit" and not (k == "offset" and v == "0")
    ]
    name = tail.replace("/", "@")
    return f"{name}^{urlencode(query)}" if query else name


def files_replay(
    *folders: Path, overrides: dict[str, list[Reply]] | None = None, empty: bool = True
) -> Handler:
    """Answer from files in ``folders`` (searched in order, one level of sub-folders);
    ``overrides`` maps a file name to replies served in turn (the last one repeats).
    Unknown requests get an empty ``MRData`` answer when ``empty``, else 404."""
    index: dict[str, Path] = {}
    for folder in reversed(folders):
        for file in [*folder.glob("*.json*"), *folder.glob("*/*.json*")]:
            index[file.name] = file
    served: dict[str, int] = {}
    lock = threading.Lock()

    def handle(path: str, headers: dict[str, str]) -> Reply:
        name = file_name(path)
        if overrides and name in overrides:
            with lock:
                count = served.get(name, 0)
                served[name] = count + 1
            replies = overrides[name]
            return replies[min(count, len(replies) - 1)]
        if name in index:
            return Reply(200, index[name].read_bytes(), JSON)
        if empty:
            return Reply(200, empty_answer(path), JSON)
        return Reply(404, b'{"detail": "Not found."}', JSON)

    return handle


def empty_answer(path: str) -> bytes:
    """What the service answers when it has nothing (e.g. a season not published)."""
    standings = "standings" in path.lower()
    table = (
        '"StandingsTable": {"StandingsLists": []}' if standings else '"RaceTable": {"Races": []}'
    )
    return (
        '{"MRData": {"xmlns": "", "series": "f1", "url": "", "limit": "100", '
        f'"offset": "0", "total": "0", {table}}}}}'
    ).encode()


def app_replay(settings: object) -> tuple[Handler, Callable[[], None]]:
    """Answer from ``/ergast/f1`` of ``undercut serve`` over ``settings``' warehouse;
    returns the handler and a function closing it."""
    from fastapi.testclient import TestClient

    from undercut.api.app import create_app

    client = TestClient(create_app(settings))  # type: ignore[arg-type]
    client.__enter__()
    lock = threading.Lock()

    def handle(path: str, headers: dict[str, str]) -> Reply:
        with lock:
            response = client.get(path)
        return Reply(response.status_code, response.content, JSON)

    return handle, lambda: client.__exit__(None, None, None)


_RACE_FILES = (
    "results",
    "sprint_results",
    "qualifying",
    "pit_stops",
    "lap_times",
    "driver_standings",
    "constructor_standings",
    "constructor_results",
)


def truncate_archive(
    source: Path, target: Path, season: int, first_round: int, last_round: int
) -> list[int]:
    """Copy ``source`` to ``target`` without the races ``first_round..last_round`` of
    ``season`` and everything about them; returns the raceIds removed."""
    shutil.copytree(source, target)
    for path in target.iterdir():
        path.chmod(0o644)
    races = target / "races.csv"
    with races.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    year, rnd, race_id = header.index("year"), header.index("round"), header.index("raceId")
    removed = {
        row[race_id]
        for row in body
        if int(row[year]) == season and first_round <= int(row[rnd]) <= last_round
    }
    _write(races, header, [row for row in body if row[race_id] not in removed])
    for name in _RACE_FILES:
        path = target / f"{name}.csv"
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        column = rows[0].index("raceId")
        _write(path, rows[0], [row for row in rows[1:] if row[column] not in removed])
    return sorted(int(r) for r in removed)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
