"""Team colours: the WCAG contrast arithmetic, and every seeded colour made legible."""

from __future__ import annotations

import duckdb
import pytest

from undercut.serving.colours import (
    BLACK,
    GRAPHICS_CONTRAST,
    TEXT_CONTRAST,
    WHITE,
    TeamColour,
    TeamColours,
    contrast,
    fallback,
    legible_on,
    luminance,
    text_on,
)
from undercut.warehouse import db


def _seed() -> list[dict]:
    sql = db.sql_folder("gold").read("constructor_colours")
    with duckdb.connect() as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_contrast_ratios_match_the_wcag_reference_values() -> None:
    assert luminance(WHITE) == pytest.approx(1.0) and luminance(BLACK) == 0.0
    assert contrast(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast(WHITE, BLACK) == contrast(BLACK, WHITE)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # just passes AA
    assert contrast("#FF8000", "#ff8000") == pytest.approx(1.0)


def test_text_on_a_colour_is_black_or_white_and_always_reaches_aa() -> None:
    assert text_on("#ffd700") == BLACK  # Renault yellow
    assert text_on("#1e41ff") == WHITE  # Red Bull blue
    worst = "#757575"  # near the luminance where black and white contrast alike
    assert contrast(text_on(worst), worst) >= TEXT_CONTRAST


@pytest.mark.parametrize("colour", ["#27f4d2", "#ff8000", "#fff500", "#b6babd", "#e8e8e8"])
def test_light_colours_are_darkened_for_lines_keeping_their_hue(colour: str) -> None:
    assert contrast(colour, WHITE) < GRAPHICS_CONTRAST
    line = legible_on(colour)
    assert contrast(line, WHITE) >= GRAPHICS_CONTRAST
    # darkened toward black: the channels keep their proportions
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    lr, lg, lb = (int(line[i : i + 2], 16) for i in (1, 3, 5))
    assert lr <= r and lg <= g and lb <= b
    assert (lr >= lg) == (r >= g) and (lg >= lb) == (g >= b)
    dark = "#00205b"
    assert legible_on(dark) == dark  # already legible: unchanged


def test_every_seeded_colour_passes_after_adjustment() -> None:
    rows = _seed()
    assert len(rows) >= 80
    for row in rows:
        painted = TeamColour.of(row["colour"])
        assert contrast(painted.line, WHITE) >= GRAPHICS_CONTRAST, row
        assert contrast(painted.text, painted.fill) >= TEXT_CONTRAST, row


def test_seed_eras_are_looked_up_by_season() -> None:
    colours = TeamColours.from_rows(
        [{**r, "nationality": None} for r in _seed()]
        + [{"constructor_id": "kurtis_kraft", "nationality": "American", "colour": None}]
    )
    assert colours.colour("mclaren", 1988) == "#ee3124"  # Marlboro
    assert colours.colour("mclaren", 2008) == "#a6a6a6"  # silver
    assert colours.colour("mclaren", 2024) == "#ff8000"  # papaya
    assert colours.colour("mclaren") == "#ff8000"  # no season: the latest era
    assert colours.colour("mercedes", 1960) == "#a8b0b8"  # outside the eras: the nearest
    assert colours.colour("ferrari", 1952) == colours.colour("ferrari", 2010)
    american = colours.colour("kurtis_kraft", 1955)
    assert american == fallback("kurtis_kraft", "American")
    assert colours.of("kurtis_kraft", 1955) == TeamColour.of(american)


def test_the_fallback_is_deterministic_national_and_legible() -> None:
    first = fallback("connaught_x", "British")
    assert first == fallback("connaught_x", "British")
    british = {fallback(ref, "British") for ref in ("a", "b", "c", "d", "e", "f", "g", "h")}
    assert len(british) >= 3  # two British teams of a season rarely share a shade
    for ref, nationality in (("x", "British"), ("y", "Italian"), ("z", None), ("w", "Martian")):
        painted = TeamColour.of(fallback(ref, nationality))
        assert contrast(painted.line, WHITE) >= GRAPHICS_CONTRAST
        assert contrast(painted.text, painted.fill) >= TEXT_CONTRAST
    g = fallback("x", "British")
    assert int(g[3:5], 16) > int(g[1:3], 16)  # still green


def test_overlapping_colour_eras_fail_the_gold_check() -> None:
    from undercut.warehouse.checks import checks_dir, load_checks, run_check

    check = next(c for c in load_checks(checks_dir("gold")) if c.name.endswith("eras_disjoint"))
    with duckdb.connect() as con:
        con.execute("create schema gold")
        con.execute(
            "create table gold.constructor_colours as select * from (values "
            "('mclaren', 1966, 1973, '#ff8000'), ('mclaren', 1974, 1996, '#ee3124'), "
            "('lotus', 1958, 1970, '#00843d'), ('lotus', 1968, 1971, '#c8102e')) "
            "as t(constructor_id, first_season, last_season, colour)"
        )
        result = run_check(con, check)
    assert result.failures == 1 and result.samples[0]["value"] == "lotus:1968"
