import datetime as dt
import zoneinfo

import pytest

from linli.cases.models import Holiday
from linli.cases.worktime import WorkCalendar, load_official_holidays

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def cal(db):
    return WorkCalendar(overrides={})


def test_two_working_hours_within_a_day(cal):
    assert cal.add_hours(at(2026, 11, 25, 10, 0), 2) == at(2026, 11, 25, 12, 0)


def test_hours_carry_over_to_next_morning(cal):
    # Wednesday 17:00 + 2 h = Thursday 10:00 (one hour left on Wednesday).
    assert cal.add_hours(at(2026, 11, 25, 17, 0), 2) == at(2026, 11, 26, 10, 0)


def test_report_on_friday_evening_is_due_monday(cal):
    assert cal.add_hours(at(2026, 11, 27, 20, 0), 2) == at(2026, 11, 30, 11, 0)


def test_working_days_skip_the_weekend(cal):
    # Thursday 15:00 + 3 working days = Tuesday 15:00.
    assert cal.add_days(at(2026, 11, 26, 15, 0), 3) == at(2026, 12, 1, 15, 0)


def test_public_holiday_is_skipped_and_adjusted_saturday_counts():
    cal = WorkCalendar(overrides={dt.date(2026, 10, 1): False, dt.date(2026, 10, 2): False,
                                  dt.date(2026, 10, 10): True})
    # Wednesday 30 Sept 17:00 + 2 h → Saturday 3 Oct is a weekend → Monday 5 Oct 10:00.
    assert cal.add_hours(at(2026, 9, 30, 17, 0), 2) == at(2026, 10, 5, 10, 0)
    # Friday 9 Oct 10:00 + 1 working day = Saturday 10 Oct (a working Saturday).
    assert cal.add_days(at(2026, 10, 9, 10, 0), 1) == at(2026, 10, 10, 10, 0)


def test_working_hours_between(cal):
    assert cal.working_hours_between(at(2026, 11, 27, 17, 0), at(2026, 11, 30, 10, 0)) == 2.0
    assert cal.working_hours_between(at(2026, 11, 30, 10, 0), at(2026, 11, 27, 17, 0)) == 0.0


def test_official_2026_calendar_loads_national_day_and_lieu_days(db):
    written = load_official_holidays(2026)
    assert written > 20
    assert Holiday.objects.get(date=dt.date(2026, 10, 1)).is_workday is False
    assert Holiday.objects.filter(is_workday=True).exists()  # a weekend day worked in lieu
    cal = WorkCalendar()
    assert not cal.is_workday(dt.date(2026, 10, 1))
