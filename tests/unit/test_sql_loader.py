"""``undercut.sql``: one way to read, include and parameterise every .sql file."""

from __future__ import annotations

from pathlib import Path

from undercut.sql import SqlFolder, duckdb_params, header

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "undercut"


def test_header_reads_keys_and_continuations(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text(
        "-- purpose: wins per driver\n"
        "-- grain: one row per driver\n"
        "-- depends on: silver.race_results,\n"
        "--             silver.drivers\n"
        "select 1 -- trailing: not header\n"
    )
    assert SqlFolder(tmp_path).header("q") == {
        "purpose": "wins per driver",
        "grain": "one row per driver",
        "depends on": "silver.race_results, silver.drivers",
    }


def test_include_inlines_a_file_or_a_substitute(tmp_path: Path) -> None:
    (tmp_path / "inner.sql").write_text("-- purpose: inner\nselect 1 as x -- one\n")
    (tmp_path / "outer.sql").write_text("select * from (\n    -- @inner\n) as src\n")
    folder = SqlFolder(tmp_path)
    assert " ".join(folder.text("outer").split()) == "select * from ( select 1 as x ) as src"
    built = folder.text("outer", lambda name: f"select * from gold.{name}")
    assert "gold.inner" in built and "select 1" not in built


def test_named_parameters_become_duckdb_parameters() -> None:
    sql, params = duckdb_params(
        "select :season::int as s -- :ignored\nwhere a = :season", {"season": 2023}
    )
    assert "$season::int" in sql and ":ignored" not in sql
    assert params == {"season": 2023}


def test_no_module_reads_sql_files_itself() -> None:
    """Every .sql file is read through ``undercut.sql``: nothing else opens one."""
    readers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "sql.py"
        and ".read_text()" in path.read_text()
        and ".sql" in path.read_text()
    ]
    assert readers == []


def test_every_file_has_the_one_header_shape() -> None:
    """Queries and tables: purpose, grain, depends on. Checks: severity, what they check
    (table or file), column and message."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.sql")):
        keys = list(header(path.read_text()))
        if "checks" in path.parts:
            shape_ok = keys[:1] == ["severity"] and {"column", "message"} <= set(keys)
            shape_ok = shape_ok and bool({"table", "file"} & set(keys))
        else:
            shape_ok = keys[:1] == ["purpose"] and {"grain", "depends on"} <= set(keys)
        if not shape_ok:
            wrong.append(f"{path.relative_to(PACKAGE)}: {keys}")
    assert wrong == []
