"""Lake.publish_tables: the one way a table becomes Parquet in the lake; what a home's
provider is; and the scrubbing of credentials from a store's messages."""

from __future__ import annotations

import io
import tempfile
import uuid
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from undercut.errors import InputError
from undercut.lake import Lake, provider_of, redact


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


@pytest.mark.parametrize(
    ("home", "provider"),
    [
        ("/srv/f1", "local"),
        ("file:///srv/f1", "local"),
        ("s3://bucket/f1", "s3"),
        ("gs://bucket/f1", "gcs"),
        ("az://container/f1", "azure"),
        ("abfs://container/f1", "azure"),
        ("memory://scratch", "memory"),
    ],
)
def test_provider_of_a_home(home: str, provider: str) -> None:
    assert provider_of(home).name == provider


def test_an_unknown_protocol_is_bad_input() -> None:
    with pytest.raises(InputError, match=r"unknown storage nope://; use a directory or s3://"):
        Lake("nope://bucket/f1")


def test_redact_removes_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    text = redact(
        "denied with wJalrXUtnFEMI/K7MDENG; AccountName=dev;AccountKey=abc+/=;Endpoint=x "
        "https://acct.blob.core.windows.net/c/b?sv=2024&sig=Zm9vYmFy&se=1"
    )
    assert "wJalrXUtnFEMI" not in text
    assert "AccountKey=***;" in text
    assert "sig=***&" in text
    assert "AccountName=dev" in text
