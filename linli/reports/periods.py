"""Periods of a dashboard: this month, last month, this quarter, this year, or a custom range of days.

A period is ``[start, end)`` in local days (Asia/Shanghai); ``previous`` is the period of the same kind
just before it (a custom range: the same number of days before).  ``bounds`` gives the UTC instants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KINDS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_quarter": _("This quarter"),
    "this_year": _("This year"),
    "custom": _("Custom"),
}
MAX_DAYS = 3 * 366
EARLIEST = dt.date(2000, 1, 1)


def add_months(day: dt.date, n: int) -> dt.date:
    months = day.year * 12 + day.month - 1 + n
    return dt.date(months // 12, months % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def by_month(self) -> bool:
        """Charts over time count by month beyond two months, by day below."""
        return self.days > 62

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_default_timezone()
        return (dt.datetime.combine(self.start, dt.time(), tz), dt.datetime.combine(self.end, dt.time(), tz))

    def months(self) -> list[dt.date]:
        """First days of the months the period touches."""
        out, day = [], self.start.replace(day=1)
        while day < self.end:
            out.append(day)
            day = add_months(day, 1)
        return out

    @property
    def previous(self) -> Period:
        if self.kind in ("this_month", "last_month", "month"):
            return Period("month", add_months(self.start, -1), self.start)
        if self.kind == "this_quarter":
            return Period(self.kind, add_months(self.start, -3), self.start)
        if self.kind == "this_year":
            return Period(self.kind, self.start.replace(year=self.start.year - 1), self.start)
        return Period("custom", self.start - dt.timedelta(days=self.days), self.start)

    def query(self) -> dict[str, str]:
        """The query-string parameters that select this period again (for links behind figures)."""
        if self.kind in KINDS and self.kind != "custom":
            return {"period": self.kind}
        return {"period": "custom", "from": self.start.isoformat(), "to": self.last_day.isoformat()}

    @property
    def label(self) -> str:
        if self.kind == "month" or (self.kind in ("this_month", "last_month")):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} – {self.last_day.isoformat()}"


def month_period(month: dt.date) -> Period:
    first = month.replace(day=1)
    return Period("month", first, add_months(first, 1))


def period_of(kind: str, today: dt.date, start: dt.date | None = None, last: dt.date | None = None) -> Period:
    first = today.replace(day=1)
    if kind == "last_month":
        return Period(kind, add_months(first, -1), first)
    if kind == "this_quarter":
        q = first.replace(month=(first.month - 1) // 3 * 3 + 1)
        return Period(kind, q, add_months(q, 3))
    if kind == "this_year":
        return Period(kind, first.replace(month=1), dt.date(today.year + 1, 1, 1))
    if kind == "custom" and start and last:
        return Period(kind, start, last + dt.timedelta(days=1))
    return Period("this_month", first, add_months(first, 1))
