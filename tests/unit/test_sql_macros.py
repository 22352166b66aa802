from pathlib import Path

import duckdb
import pytest

from undercut.warehouse import db
from undercut.warehouse.db import install_macros


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install_macros(con)
    return con


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1:27.452", 87452),
        ("27.452", 27452),
        ("1:34:50.616", 5690616),
        ("16:44.013", 1004013),
        (" 1:26.572 ", 86572),
        ("0.5", 500),
    ],
)
def test_duration_ms_parses_ergast_times(
    con: duckdb.DuckDBPyConnection, text: str, ms: int
) -> None:
    assert con.execute("select duration_ms(?)", [text]).fetchone() == (ms,)


@pytest.mark.parametrize("text", ["DNF", "1:2a.3", "", "+5.478", None])
def test_duration_ms_rejects_non_times(con: duckdb.DuckDBPyConnection, text: str | None) -> None:
    assert con.execute("select duration_ms(?)", [text]).fetchone() == (None,)


def test_read_only_connections_get_the_macros(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    with db.connect(path, read_only=True) as con:
        assert con.execute("select duration_ms('1:23.456')").fetchone() == (83456,)
