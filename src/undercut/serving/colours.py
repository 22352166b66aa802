"""Team colours: each constructor's livery colour in a season, made legible.

The colours are data (the seed ``gold.constructor_colours``, era by era); this module is
the one lookup every chart goes through, so a team has the same colour on every page.
A constructor-season the seed does not list takes the nearest era of the same team, and a
team never seeded (most 1950s privateers) a shade of its country's racing colour (British
green, Italian red, French blue, German silver…) chosen from a hash of its ref, so two
British teams of one season still differ and a colour never changes between runs.

Contrast follows WCAG 2.x: a colour drawn as a line, marker or bar on the white page is
darkened until it has at least 3:1 against white (non-text graphics, 1.4.11), and text
written on the colour is black or white, whichever contrasts more — at least 4.58:1, so
always AA (1.4.3).
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from undercut.serving.sql import query
from undercut.serving.store import Reader

WHITE = "#ffffff"
BLACK = "#000000"
GRAPHICS_CONTRAST = 3.0  # WCAG 1.4.11: lines, markers and bars against the background
TEXT_CONTRAST = 4.5  # WCAG 1.4.3 (AA): normal text against its background

# National racing colours of the early championship, by the archive's nationality names.
NATIONAL = {
    "American": "#1f3a93",
    "Argentine": "#74acdf",
    "Australian": "#00843d",
    "Austrian": "#ed2939",
    "Belgian": "#ffd100",
    "Brazilian": "#009c3b",
    "British": "#004225",
    "Canadian": "#d80621",
    "Dutch": "#ff6f00",
    "East German": "#a8b0b8",
    "French": "#0055a4",
    "German": "#a8b0b8",
    "Hong Kong": "#de2910",
    "Indian": "#ff9933",
    "Irish": "#169b62",
    "Italian": "#c80815",
    "Japanese": "#bc002d",
    "Malaysian": "#010066",
    "Mexican": "#006847",
    "New Zealander": "#1a1a1a",
    "Rhodesian": "#2e7d32",
    "Russian": "#0039a6",
    "South African": "#ffb612",
    "Spanish": "#c60b1e",
    "Swiss": "#d52b1e",
}
# For a nationality without a racing colour: well-spread hues, picked by hash.
SPARE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8c564b", "#882255", "#44aa99")


def _rgb(colour: str) -> tuple[float, float, float]:
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"{colour!r} is not a #rrggbb colour")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (never below 4.58:1)."""
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


def legible_on(colour: str, background: str = WHITE, minimum: float = GRAPHICS_CONTRAST) -> str:
    """``colour``, darkened toward black (same hue) just enough to reach ``minimum``
    contrast against a light ``background``; unchanged when it already does."""
    rgb = _rgb(colour)
    for step in range(101):
        candidate = _hex(c * (1 - step / 100) for c in rgb)
        if contrast(candidate, background) >= minimum:
            return candidate
    return BLACK


@dataclass(frozen=True)
class TeamColour:
    """How a team is painted in a chart.

    Attributes:
        fill: the livery colour (a background, a chip); write on it in ``text``.
        line: ``fill`` made legible on the white page (lines, markers, bars).
        text: black or white, the text colour on ``fill``.
    """

    fill: str
    line: str
    text: str

    @classmethod
    def of(cls, colour: str) -> TeamColour:
        fill = _hex(_rgb(colour))
        return cls(fill=fill, line=legible_on(fill), text=text_on(fill))


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big")


def fallback(constructor_id: str, nationality: str | None) -> str:
    """A constructor's colour when the seed has none: its country's racing colour in a
    lightness (and slight hue) picked by a hash of its ref; a spare hue without one."""
    digest = _hash(constructor_id)
    base = NATIONAL.get(nationality or "")
    if base is None:
        return SPARE[digest % len(SPARE)]
    hue, light, sat = colorsys.rgb_to_hls(*_rgb(base))
    light = min(max(light + ((digest % 5) - 2) * 0.08, 0.12), 0.8)
    hue = (hue + (((digest >> 8) % 3) - 1) * 0.025) % 1.0
    return _hex(colorsys.hls_to_rgb(hue, light, sat))


@dataclass
class TeamColours:
    """Every constructor's colour eras (from the gold seed) and nationality."""

    eras: Mapping[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    nationality: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> TeamColours:
        eras: dict[str, list[tuple[int, int, str]]] = {}
        nationality: dict[str, str | None] = {}
        for r in rows:
            nationality[r["constructor_id"]] = r["nationality"]
            if r["colour"] is not None:
                eras.setdefault(r["constructor_id"], []).append(
                    (int(r["first_season"]), int(r["last_season"]), str(r["colour"]))
                )
        return cls(eras={k: sorted(v) for k, v in eras.items()}, nationality=nationality)

    @classmethod
    def load(cls, reader: Reader) -> TeamColours:
        """The served seed and nationalities (hashed colours only, on a warehouse built
        before the seed existed)."""
        if not reader.has_table("gold.constructor_colours"):
            return cls()
        return cls.from_rows(reader.fetch(query("team_colours")))

    def colour(self, constructor_id: str | None, season: int | None = None) -> str:
        """The colour as painted (seeded, or the fallback) of a team in a season (the
        latest era when no season is given, the nearest era outside the seeded ones)."""
        ref = constructor_id or ""
        eras = self.eras.get(ref)
        if not eras:
            return fallback(ref, self.nationality.get(ref))
        if season is None:
            return eras[-1][2]
        return min(eras, key=lambda e: max(e[0] - season, season - e[1], 0))[2]

    def of(self, constructor_id: str | None, season: int | None = None) -> TeamColour:
        """The team's fill, legible line and text colours in a season."""
        return TeamColour.of(self.colour(constructor_id, season))
