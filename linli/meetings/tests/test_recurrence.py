"""The 4th of every month, moved to the next working day; weekly series; generating ahead."""

import datetime as dt

import pytest

from linli.cases.models import Holiday
from linli.cases.worktime import WorkCalendar
from linli.meetings import services
from linli.meetings.models import Meeting, Recurrence
from linli.meetings.recurrence import next_working_day, nominal_dates, occurrences

D = dt.date


def cal(**overrides) -> WorkCalendar:
    return WorkCalendar(overrides={D.fromisoformat(k[1:].replace("_", "-")): v for k, v in overrides.items()})


def test_fourth_of_every_month_across_months_and_weekends():
    # 2026: 4 Jan is a Sunday, 4 Apr a Saturday, 4 Jul a Saturday, 4 Oct a Sunday.
    got = occurrences(Recurrence.MONTHLY, D(2026, 1, 1), D(2026, 12, 31), day_of_month=4, calendar=cal())
    assert [n for n, _a in got] == [D(2026, m, 4) for m in range(1, 13)]
    actual = dict(got)
    assert actual[D(2026, 1, 4)] == D(2026, 1, 5)      # Sunday → Monday
    assert actual[D(2026, 4, 4)] == D(2026, 4, 6)      # Saturday → Monday
    assert actual[D(2026, 2, 4)] == D(2026, 2, 4)      # a Wednesday stays
    assert all(a.weekday() < 5 for _n, a in got)


def test_fourth_on_a_holiday_moves_past_the_holiday():
    # 国庆: 1–8 Oct 2026 off (4 Oct is a Sunday inside it), 10 Oct a weekend working day (调休).
    holidays = {f"d{2026}_10_{d:02d}": False for d in range(1, 9)}
    calendar = cal(**holidays, d2026_10_10=True)
    assert next_working_day(D(2026, 10, 4), calendar) == D(2026, 10, 9)
    got = dict(occurrences(Recurrence.MONTHLY, D(2026, 9, 1), D(2026, 11, 30), day_of_month=4, calendar=calendar))
    assert got == {D(2026, 9, 4): D(2026, 9, 4), D(2026, 10, 4): D(2026, 10, 9), D(2026, 11, 4): D(2026, 11, 4)}


def test_a_weekend_working_day_is_kept():
    calendar = cal(d2026_04_04=True)  # a Saturday made a working day
    assert dict(occurrences(Recurrence.MONTHLY, D(2026, 4, 1), D(2026, 4, 30), day_of_month=4,
                            calendar=calendar)) == {D(2026, 4, 4): D(2026, 4, 4)}


def test_start_and_end_are_inclusive_and_year_wraps():
    assert nominal_dates(Recurrence.MONTHLY, D(2026, 11, 4), D(2027, 2, 4), day_of_month=4) == [
        D(2026, 11, 4), D(2026, 12, 4), D(2027, 1, 4), D(2027, 2, 4)]
    assert nominal_dates(Recurrence.MONTHLY, D(2026, 11, 5), D(2026, 12, 3), day_of_month=4) == []


def test_weekly_on_a_weekday_and_holidays_moved_without_doubling():
    got = occurrences(Recurrence.WEEKLY, D(2026, 3, 1), D(2026, 3, 31), weekday=2, calendar=cal())
    assert [a for _n, a in got] == [D(2026, 3, 4), D(2026, 3, 11), D(2026, 3, 18), D(2026, 3, 25)]
    # A whole week off: Wednesday 4 moves to Monday 9, the next Wednesday 11 stays.
    week_off = cal(**{f"d2026_03_{d:02d}": False for d in range(2, 9)})
    got = occurrences(Recurrence.WEEKLY, D(2026, 3, 1), D(2026, 3, 14), weekday=2, calendar=week_off)
    assert [a for _n, a in got] == [D(2026, 3, 9), D(2026, 3, 11)]


def test_ad_hoc_has_no_dates():
    assert occurrences(Recurrence.AD_HOC, D(2026, 1, 1), D(2026, 12, 31), calendar=cal()) == []


def test_generate_uses_the_holiday_table_and_is_idempotent(series):
    Holiday.objects.create(date=D(2031, 10, 6), is_workday=False, name="国庆节")
    Holiday.objects.create(date=D(2031, 10, 7), is_workday=False, name="国庆节")
    made = services.generate(series, today=D(2031, 9, 1), days=40)
    dates = {m.scheduled_for: m for m in made}
    assert set(dates) == {D(2031, 9, 4), D(2031, 10, 4)}
    # 4 Oct 2031 is a Saturday; 6 and 7 Oct are holidays: the meeting is on Wednesday 8 Oct at 09:30 local.
    oct_meeting = dates[D(2031, 10, 4)]
    from django.utils import timezone
    local = timezone.localtime(oct_meeting.starts_at)
    assert (local.date(), local.hour, local.minute) == (D(2031, 10, 8), 9, 30)
    assert (oct_meeting.ends_at - oct_meeting.starts_at) == dt.timedelta(minutes=series.duration_minutes)
    # members are invited to each
    assert oct_meeting.attendances.filter(invited=True).count() == 3
    assert services.generate(series, today=D(2031, 9, 1), days=40) == []
    assert Meeting.objects.filter(series=series, scheduled_for__in=list(dates)).count() == 2


def test_a_moved_meeting_is_not_generated_again(series, people):
    made = services.generate(series, today=D(2031, 1, 1), days=40)
    first = made[0]
    now = first.starts_at - dt.timedelta(days=3)
    services.move_meeting(people.staff, first, starts_at=first.starts_at + dt.timedelta(days=1), reason="场地冲突",
                          now=now)
    assert services.generate(series, today=D(2031, 1, 1), days=40) == []


@pytest.mark.parametrize("day", [None, 0, 29, 31])
def test_monthly_series_needs_a_sane_day(day, tree, people, kind):
    with pytest.raises(services.MeetingError):
        services.create_series(people.staff, kind=kind, name="x", area=tree.comm_a1, place="x",
                               recurrence=Recurrence.MONTHLY, day_of_month=day, start_time=dt.time(9))
