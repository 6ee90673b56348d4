"""Reporting periods (Art. 17.2: the DIC reports every six months).

A half-year is written ``2026H1`` (1 January to 30 June) or ``2026H2``
(1 July to 31 December), in local days of ``ckanext.angiang.usage.timezone``
(Asia/Ho_Chi_Minh). CKAN stores times in UTC: :func:`utc_bounds` gives the
UTC instants a half-year spans.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import ckan.plugins.toolkit as tk

_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Hh]\s*([12])\s*$")


@dataclass(frozen=True)
class Period:
    year: int
    half: int

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        return (
            datetime.date(self.year, 7, 1) if self.half == 1 else datetime.date(self.year + 1, 1, 1)
        )

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def utc_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Naive UTC datetimes [start, end) of the local half-year, to compare
        with CKAN's timestamps."""
        zone = ZoneInfo(tk.config.get("ckanext.angiang.usage.timezone"))

        def utc(day: datetime.date) -> datetime.datetime:
            local = datetime.datetime(day.year, day.month, day.day, tzinfo=zone)
            return local.astimezone(datetime.UTC).replace(tzinfo=None)

        return utc(self.start), utc(self.end)


def parse(value: object) -> Period:
    """``2026H1`` → Period; ValueError with a bilingual-ready reason."""
    m = _RE.match(str(value or ""))
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(value)
    return Period(int(m.group(1)), int(m.group(2)))


def local_today() -> datetime.date:
    """The province's day (``ckanext.angiang.usage.timezone``): deadlines,
    overdue states and half-years fall on local days, whatever zone the
    server's clock keeps (UTC in containers: 7 hours behind each evening)."""
    return datetime.datetime.now(ZoneInfo(tk.config.get("ckanext.angiang.usage.timezone"))).date()


def current(today: datetime.date | None = None) -> Period:
    today = today or local_today()
    return Period(today.year, 1 if today.month <= 6 else 2)


def previous(today: datetime.date | None = None) -> Period:
    now = current(today)
    return Period(now.year, 1) if now.half == 2 else Period(now.year - 1, 2)
