"""The one grammar of rate limits, for the HTTP client's limits of each source
(``UNDERCUT_JOLPICA_LIMITS``, …) and the API's limits per client (``UNDERCUT_RATE_LIMIT``).

A limits table is ``;``-separated (``,`` also works) entries ``CALLS/UNIT`` or
``CALLS/N UNIT``; a unit is ``s``/``sec``/``second``, ``m``/``min``/``minute``,
``h``/``hour`` or ``d``/``day`` (plurals too, any case). ``none`` (or empty) means no
limits. Examples: ``4/s;500/h``, ``30/minute``, ``1000/5m``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from undercut.errors import InputError

UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
}
NAMES = {1.0: "s", 60.0: "min", 3600.0: "h", 86400.0: "d"}
NO_LIMITS = frozenset({"", "none", "off"})
_ENTRY = re.compile(r"^(\d+)/(\d*\.?\d*)([a-z]+?)s?$")


@dataclass(frozen=True)
class RateLimit:
    """At most ``calls`` requests in any window of ``per_seconds`` seconds."""

    calls: int
    per_seconds: float

    def __str__(self) -> str:
        unit = NAMES.get(self.per_seconds)
        return f"{self.calls}/{unit}" if unit else f"{self.calls}/{self.per_seconds:g}s"


def parse_limits(spec: str | None, setting: str = "rate limits") -> tuple[RateLimit, ...]:
    """Read a limits table such as ``"4/s;500/h"``; ``"none"`` or empty means no limits.

    Raises:
        InputError: an entry cannot be read (the message names ``setting`` and quotes it).
    """
    if spec is None or spec.strip().lower() in NO_LIMITS:
        return ()
    limits = []
    for part in re.split(r"[;,]", spec):
        entry = re.sub(r"\s+", "", part.lower())
        match = _ENTRY.match(entry)
        count = match.group(2) if match else ""
        if (
            match is None
            or match.group(3) not in UNITS
            or int(match.group(1)) <= 0
            or (count and float(count) <= 0)
        ):
            raise InputError(
                f"{setting}: cannot read {part.strip()!r} in {spec!r} "
                "(expected e.g. '4/s;500/h', '30/minute' or 'none')"
            )
        per = (float(count) if count else 1.0) * UNITS[match.group(3)]
        limits.append(RateLimit(int(match.group(1)), per))
    return tuple(limits)
