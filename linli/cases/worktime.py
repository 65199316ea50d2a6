"""Working time: deadlines run in working hours and working days.

Weekends are off and Monday–Friday on, unless the ``Holiday`` table says otherwise (public
holidays, and the weekend days worked in lieu: 调休).  ``linli holidays --year 2026`` fills the table
from the ``chinese_calendar`` package; staff can correct it in the admin.  Working hours are
``LINLI_WORK_HOURS`` (default 09:00–18:00, Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


def _work_hours() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "LINLI_WORK_HOURS", "09:00-18:00").split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


@lru_cache(maxsize=1)
def _overrides(version: tuple) -> dict[dt.date, bool]:
    from .models import Holiday

    return dict(Holiday.objects.values_list("date", "is_workday"))


def _version() -> tuple:
    """What tells whether the holiday table changed: its row count and last date (one small query in SQL
    written once: the ORM's aggregate cost more than the query on every filed case)."""
    from django.db import connection

    from .models import Holiday

    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX({q('date')}) FROM {q(Holiday._meta.db_table)}")  # noqa: S608 - fixed names
        count, last = cursor.fetchone()
    return (count, str(last) if last is not None else None)


class WorkCalendar:
    """Working days and hours, with the holiday table loaded once per use."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = _overrides(_version()) if overrides is None else overrides
        self.start, self.end = _work_hours()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def _at(self, day: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, t, tzinfo=timezone.get_current_timezone())

    def next_work_start(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if it is inside working hours, else the start of the next working period."""
        local = timezone.localtime(moment)
        day = local.date()
        if self.is_workday(day):
            if local.time() < self.start:
                return self._at(day, self.start)
            if local.time() < self.end:
                return local
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return self._at(day, self.start)

    def add_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """The moment ``hours`` working hours after ``moment``."""
        remaining = dt.timedelta(hours=hours)
        current = self.next_work_start(moment)
        while True:
            end_of_day = self._at(current.date(), self.end)
            available = end_of_day - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.next_work_start(end_of_day)

    def add_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """The same clock time ``days`` working days later (from the next working moment)."""
        current = self.next_work_start(moment)
        day = current.date()
        for _ in range(days):
            day += dt.timedelta(days=1)
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
        return self._at(day, current.timetz().replace(tzinfo=None))

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working hours from ``start`` to ``end`` (0 if end is earlier)."""
        if end <= start:
            return 0.0
        total = dt.timedelta()
        current = self.next_work_start(start)
        while current < end:
            end_of_day = self._at(current.date(), self.end)
            total += min(end_of_day, end) - current
            current = self.next_work_start(end_of_day)
        return total.total_seconds() / 3600


def load_official_holidays(year: int) -> int:
    """Fill the holiday table for ``year`` from the chinese_calendar package; returns rows written."""
    import chinese_calendar

    from .models import Holiday

    written = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_weekend = day.weekday() >= 5
        workday = chinese_calendar.is_workday(day)
        if workday == on_weekend:  # differs from the normal week
            _, name = chinese_calendar.get_holiday_detail(day)
            Holiday.objects.update_or_create(date=day, defaults={"is_workday": workday, "name": name or ""})
            written += 1
        day += dt.timedelta(days=1)
    return written
