"""The Ergast query text cut down to the filters a path gives (``query_text.specialised``)."""

from __future__ import annotations

from undercut.api.ergast.endpoints import ENDPOINTS, load_sql
from undercut.api.ergast.query_text import specialised

SQL = """with
first as (
    select * from t where ($a is null or t.a = $a) and ($b is null or t.b in (
        select b from u where ($c is null or u.c = $c) and u.name <> ')('
    ))
),

unused as (
    select 1 -- reads first, but nothing reads it
),

final as (
    select * from first
)

select * from final
"""


def test_an_absent_filter_becomes_true_and_a_given_one_keeps_its_condition() -> None:
    text = specialised(SQL, ["a", "c"])
    assert "(t.a = $a)" in text
    assert "$b" not in text  # the whole nested condition went with b
    assert "$c" not in text
    assert "is null" not in text


def test_the_true_an_absent_filter_leaves_after_a_condition_is_dropped() -> None:
    text = " ".join(specialised(SQL, ["a"]).split())
    assert "where (t.a = $a) )" in text  # not "(t.a = $a) and true"
    assert "and true" not in text


def test_a_nested_filter_is_cut_inside_a_kept_one() -> None:
    text = specialised(SQL, ["b"])
    assert "(t.b in (" in text
    assert "where true and u.name <> ')('" in " ".join(text.split())


def test_ctes_nothing_reads_are_dropped_and_those_read_once_nested() -> None:
    text = " ".join(specialised(SQL, []).split())
    assert "unused" not in text
    assert text.startswith("select * from ( select * from ( select * from t where true")
    assert text.endswith(") as first ) as final")


def test_a_cte_read_twice_stays_a_cte_before_its_readers() -> None:
    text = specialised(
        "with\ntwice as (\n    select 1 as x\n),\n\nfinal as (\n"
        "    select * from twice where x in (select x from twice)\n)\n\n"
        "select * from final order by x",
        [],
    )
    assert " ".join(text.split()) == (
        "with twice as ( select 1 as x ) select * from ( select * from twice where x in "
        "(select x from twice) ) as final order by x"
    )


def test_a_first_cte_on_the_with_line_can_be_dropped() -> None:
    text = specialised(
        "with gone as (\n    select 1\n),\n\nfinal as (\n    select 2\n)\n\nselect * from final", []
    )
    assert " ".join(text.split()) == "select * from ( select 2 ) as final"


def test_a_read_keeps_its_alias_when_nested() -> None:
    text = specialised(
        "with\nkept as (\n    select 1 as x\n),\n\nlast as (\n    select 2 as x\n)\n\n"
        "select * from kept as k inner join last as l on l.x = k.x",
        [],
    )
    assert " ".join(text.split()) == (
        "select * from ( select 1 as x ) as k inner join ( select 2 as x ) as l on l.x = k.x"
    )


def test_every_endpoint_without_filters_keeps_no_optional_condition() -> None:
    for name in ENDPOINTS:
        text = specialised(load_sql(name), ["page_limit", "page_offset"])
        assert "is null or" not in text, name
        assert ") as final\norder by" in text, name
