"""How a team and its drivers are drawn: the team's colour, team-mates told apart.

Every chart that draws a team or a driver takes its colour from here (through the one
lookup, ``undercut.serving.colours.TeamColours``), so Hamilton is Mercedes teal on the
season chart, the race page and the home page alike. Two drivers of one team in a chart
share the hue; the second is dashed with a diamond marker (a third dotted with a square),
so they stay apart in print and for readers who cannot tell colours apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from undercut.serving.colours import TeamColour, TeamColours

DASHES = ("solid", "dash", "dot", "dashdot")
SYMBOLS = ("circle", "diamond", "square", "triangle-up")


@dataclass(frozen=True)
class Style:
    """A driver's trace: the team colour (legible on white), a dash and a marker."""

    team: TeamColour
    dash: str = "solid"
    symbol: str = "circle"

    @property
    def colour(self) -> str:
        return self.team.line

    def line(self, width: float = 2) -> dict[str, object]:
        return {"color": self.colour, "dash": self.dash, "width": width}

    def marker(self, size: float = 8) -> dict[str, object]:
        return {"color": self.colour, "symbol": self.symbol, "size": size}

    def hoverlabel(self) -> dict[str, object]:
        """A hover box in the team's colour with text that reads on it."""
        return {"bgcolor": self.team.fill, "font": {"color": self.team.text}}


def driver_styles(
    entries: Iterable[tuple[str, str | None]], colours: TeamColours, season: int | None
) -> dict[str, Style]:
    """Each driver's style from ``(driver_id, constructor_id)`` pairs in chart order: the
    team's colour in ``season``; the first driver of a team solid with circles, the next
    dashed with diamonds, and so on."""
    styles: dict[str, Style] = {}
    seen: dict[str | None, int] = {}
    for driver_id, constructor_id in entries:
        if driver_id in styles:
            continue
        n = seen.get(constructor_id, 0)
        seen[constructor_id] = n + 1
        styles[driver_id] = Style(
            colours.of(constructor_id, season), DASHES[n % len(DASHES)], SYMBOLS[n % len(SYMBOLS)]
        )
    return styles
