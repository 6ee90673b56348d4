"""Solr's dates and date math in ranges and terms: ``2024-01-31``,
``2024-01-31T08:00:00Z``, ``NOW``, ``NOW-1DAY``, ``NOW/DAY``,
``2024-01-01T00:00:00Z+1MONTH`` (UTC, as Solr computes them)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from .messages import N_, QuerySyntaxError

# --- dates and date math ------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)(?P<math>.*)$"
)
_MATH_RE = re.compile(r"([+-]\d+|/)([A-Z]+)")
_UNITS = {
    "YEAR": "years",
    "YEARS": "years",
    "MONTH": "months",
    "MONTHS": "months",
    "DAY": "days",
    "DAYS": "days",
    "DATE": "days",
    "HOUR": "hours",
    "HOURS": "hours",
    "MINUTE": "minutes",
    "MINUTES": "minutes",
    "SECOND": "seconds",
    "SECONDS": "seconds",
    "MILLI": "microseconds",
    "MILLIS": "microseconds",
    "MILLISECOND": "microseconds",
    "MILLISECONDS": "microseconds",
}


NOT_A_DATE = N_("“{value}” is not a date (write 2024-01-31, 2024-01-31T08:00:00Z or NOW-1MONTH)")


def parse_date(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """An ISO date/datetime or ``NOW``, with Solr date math; UTC, aware."""
    raw = value.strip()
    upper = raw.upper()
    if upper.startswith("NOW"):
        base = now or dt.datetime.now(dt.UTC)
        math_part = upper[3:]
    else:
        m = _DATE_RE.match(raw)
        if not m:
            raise QuerySyntaxError(NOT_A_DATE, value, value=value)
        text = m.group("date").replace(" ", "T")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        base = dt.datetime.fromisoformat(text)
        if base.tzinfo is None:
            base = base.replace(tzinfo=dt.UTC)
        base = base.astimezone(dt.UTC)
        math_part = m.group("math").upper()
    pos = 0
    while pos < len(math_part):
        m = _MATH_RE.match(math_part, pos)
        if not m or m.group(2) not in _UNITS:
            raise QuerySyntaxError(NOT_A_DATE, value, value=value)
        op, unit = m.group(1), _UNITS[m.group(2)]
        if op == "/":
            base = _round_down(base, unit)
        else:
            amount = int(op)
            if unit == "microseconds":
                amount *= 1000
            base = base + relativedelta(**{unit: amount})
        pos = m.end()
    return base


def _round_down(value: dt.datetime, unit: str) -> dt.datetime:
    order = ["years", "months", "days", "hours", "minutes", "seconds", "microseconds"]
    keep = order.index(unit)
    fields: dict[str, Any] = {
        "month": 1,
        "day": 1,
        "hour": 0,
        "minute": 0,
        "second": 0,
        "microsecond": 0,
    }
    names = ["month", "day", "hour", "minute", "second", "microsecond"]
    if unit == "microseconds":
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value.replace(**{k: fields[k] for k in names[keep:]})
