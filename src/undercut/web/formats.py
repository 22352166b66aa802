"""How the dashboard writes numbers, lap times, dates and moments: the Jinja filters.

Every page writes them the same way because every template uses these filters (registered
once, in ``pages.templates``): thousands separators, lap times as ``1:31.447``, dates as
``Sun 19 Oct 2025``, and a moment in UTC inside ``<time datetime=…>``, which
``static/app.js`` follows with the viewer's local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

MISSING = "\u2013"  # an en dash stands for a missing number


def pct(value: float | None, digits: int = 0) -> str:
    return MISSING if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 0, trim: bool = True) -> str:
    """``4,639.5``: thousands separated; with ``trim``, a whole number without decimals
    when ``digits`` is 0 or 1 (points are whole numbers but for half-points races); without
    it always ``digits`` decimals (a column of expected positions)."""
    if value is None:
        return MISSING
    if trim and digits <= 1 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def lap_time(ms: int | None) -> str:
    """``91447`` → ``1:31.447``; under a minute ``59.123``."""
    if ms is None:
        return MISSING
    minutes, rest = divmod(int(ms), 60_000)
    return f"{minutes}:{rest / 1000:06.3f}" if minutes else f"{rest / 1000:.3f}"


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def day(value: str | dt.date | None, weekday: bool = True) -> str:
    """``2025-10-19`` → ``Sun 19 Oct 2025`` (``19 Oct 2025`` without the weekday, for a
    birthday)."""
    date = _date(value)
    if date is None:
        return MISSING
    return (f"{date:%a} " if weekday else "") + f"{date.day} {date:%b %Y}"


def _moment(value: str | dt.datetime | dt.date, time: str | dt.time | None) -> dt.datetime | None:
    """A UTC datetime from a datetime (text or object), or a date and a time of day."""
    if isinstance(value, dt.datetime):
        moment = value
    elif time is None and isinstance(value, str) and len(value) > 10:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        date = _date(value)
        if date is None or time is None or time == "":
            return None
        clock = time if isinstance(time, dt.time) else dt.time.fromisoformat(str(time))
        moment = dt.datetime.combine(date, clock.replace(tzinfo=None))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def when(value: Any, time: str | dt.time | None = None) -> Markup | str:
    """A moment in UTC as ``<time datetime="…Z">Sun 19 Oct 2025, 19:00 UTC</time>`` (the
    page adds the viewer's local time); a date without a time is written as a day."""
    if value is None or value == "":
        return MISSING
    moment = _moment(value, time)
    if moment is None:
        return day(value)
    text = f"{day(moment.date())}, {moment:%H:%M} UTC"
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}" data-local>{}</time>').format(stamp, escape(text))


FILTERS: dict[str, Callable[..., Any]] = {
    "pct": pct,
    "num": num,
    "lap_time": lap_time,
    "day": day,
    "when": when,
}
