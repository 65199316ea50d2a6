"""When a series meets: the dates its recurrence gives, moved off weekends and holidays.

A monthly series meets on its day of the month; when that day is not a working day (a weekend, or a
public holiday in the working calendar the case deadlines use, ``linli.cases.worktime``), it meets on the
next working day instead.  A weekly series meets on its weekday, moved the same way.  An ad-hoc series
has no dates of its own: its meetings are called one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from linli.cases.worktime import WorkCalendar

from .models import Recurrence

MAX_AHEAD_DAYS = 400


def next_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    for _ in range(60):  # the longest Chinese holiday is 8 days; 60 is a safe bound for a broken calendar
        if calendar.is_workday(day):
            return day
        day += dt.timedelta(days=1)
    return day


def _months(start: dt.date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while True:
        yield year, month
        month += 1
        if month > 12:
            year, month = year + 1, 1


def nominal_dates(recurrence: str, start: dt.date, end: dt.date, *, day_of_month: int | None = None,
                  weekday: int | None = None) -> list[dt.date]:
    """The recurrence's own dates from ``start`` to ``end`` (both included), before moving any."""
    dates: list[dt.date] = []
    if recurrence == Recurrence.MONTHLY and day_of_month:
        for year, month in _months(start.replace(day=1)):
            day = dt.date(year, month, day_of_month)
            if day > end:
                break
            if day >= start:
                dates.append(day)
    elif recurrence == Recurrence.WEEKLY and weekday is not None:
        day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        while day <= end:
            dates.append(day)
            day += dt.timedelta(days=7)
    return dates


def occurrences(recurrence: str, start: dt.date, end: dt.date, *, day_of_month: int | None = None,
                weekday: int | None = None, calendar: WorkCalendar | None = None) -> list[tuple[dt.date, dt.date]]:
    """(nominal date, date actually met) for each occurrence from ``start`` to ``end``.

    The nominal date identifies the occurrence; the date met is the next working day when the nominal
    one is not.  Two nominal dates never meet on the same day (a weekly meeting pushed into the next
    week's is dropped).
    """
    end = min(end, start + dt.timedelta(days=MAX_AHEAD_DAYS))
    calendar = calendar or WorkCalendar()
    result: list[tuple[dt.date, dt.date]] = []
    taken: set[dt.date] = set()
    for nominal in nominal_dates(recurrence, start, end, day_of_month=day_of_month, weekday=weekday):
        actual = next_working_day(nominal, calendar)
        if actual in taken:
            continue
        taken.add(actual)
        result.append((nominal, actual))
    return result
