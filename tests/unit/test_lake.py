"""Lake.publish_tables: the one way a table becomes Parquet in the lake."""

from __future__ import annotations

import io
import tempfile
import uuid
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from undercut.lake import Lake


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema silver")
    con.execute(
        "create table silver.races as select range as round, 'GP ' || range as name, "
        "range * 1.5 as points from range(1, 25)"
    )
    return con


def _temp_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("undercut-*")}


@pytest.mark.parametrize("where", ["local", "remote"])
def test_published_table_reads_back_equal(
    where: str, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lake = Lake(str(tmp_path) if where == "local" else f"memory://{uuid.uuid4().hex}")
    before = _temp_dirs()
    lake.publish_tables(con, "silver", ["races"])
    table = pq.read_table(io.BytesIO(lake.read_bytes("silver", "races.parquet")))
    expected = con.sql("select * from silver.races").to_arrow_table()
    assert table.schema.names == expected.schema.names
    assert table.schema.types == expected.schema.types
    assert table.to_pylist() == expected.to_pylist()
    assert lake.ls("silver") == ["races.parquet"]
    assert _temp_dirs() == before


def test_failed_write_leaves_the_previous_file(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lake = Lake(str(tmp_path))
    lake.publish_tables(con, "silver", ["races"])
    previous = lake.read_bytes("silver", "races.parquet")
    with pytest.raises(duckdb.CatalogException):
        lake.publish_tables(con, "silver", ["races", "missing"])
    assert lake.read_bytes("silver", "races.parquet") == previous
    assert sorted(p.name for p in (tmp_path / "silver").iterdir()) == ["races.parquet"]
