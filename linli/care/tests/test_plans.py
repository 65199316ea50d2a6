"""Plan scheduling by risk and alerts, due and overdue flags, and visit rates on fixed data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.care.models import Cadence, CareRecipient, Risk, Visit, VisitDue
from linli.care.services import plans, recipients, visits
from linli.care.services.access import CareError
from linli.care.tasks import run_visit_checks
from linli.cases.models import Holiday, Message

TZ = timezone.get_default_timezone()


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.mark.parametrize(("cadence", "day", "start", "end"), [
    (Cadence.WEEK, dt.date(2026, 1, 1), dt.date(2025, 12, 29), dt.date(2026, 1, 5)),   # a Thursday
    (Cadence.WEEK, dt.date(2026, 1, 4), dt.date(2025, 12, 29), dt.date(2026, 1, 5)),   # the Sunday
    (Cadence.MONTH, dt.date(2026, 2, 28), dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
    (Cadence.MONTH, dt.date(2026, 12, 31), dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    (Cadence.QUARTER, dt.date(2026, 5, 15), dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
    (Cadence.QUARTER, dt.date(2026, 11, 2), dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
])
def test_periods_follow_the_calendar(cadence, day, start, end):
    assert plans.period_of(cadence, day) == (start, end)


def _backdate(recipient, when):
    CareRecipient.objects.filter(pk=recipient.pk).update(created_at=when)
    VisitDue.objects.filter(recipient=recipient).delete()


def test_dues_by_risk_high_weekly_priority_monthly_ordinary_quarterly(care):
    high, priority = care.recipient2, care.recipient
    ordinary = recipients.register(care.staff, care.other_carer.person, categories=["disabled"],
                                   risk=Risk.ORDINARY, risk_reason="轻度残疾")
    for r in (high, priority, ordinary):
        _backdate(r, at(2026, 1, 1))
    made = plans.ensure_dues(dt.date(2026, 3, 31))
    weeks = VisitDue.objects.filter(recipient=high).order_by("opens_at")
    assert weeks.count() == 14  # the week of 29 Dec 2025 up to the week of 30 Mar 2026
    assert {d.cadence for d in weeks} == {Cadence.WEEK}
    assert timezone.localtime(weeks[0].opens_at).date() == dt.date(2025, 12, 29)
    assert list(VisitDue.objects.filter(recipient=priority).values_list("month", flat=True).order_by("month")) == [
        dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    quarter = VisitDue.objects.get(recipient=ordinary)
    assert timezone.localtime(quarter.due_at) == at(2026, 4, 1, 0)
    assert quarter.month == dt.date(2026, 3, 1)  # counts in the month it ends in
    assert made == 14 + 3 + 1
    assert plans.ensure_dues(dt.date(2026, 3, 31)) == 0  # idempotent


def test_alert_needs_a_visit_within_24_hours_of_every_recipient_in_the_area(care):
    start = timezone.now() - dt.timedelta(hours=1)
    alert = plans.declare_alert(care.staff, kind="heat", area=care.tree.comm_a1, note="高温红色预警", starts_at=start)
    dues = VisitDue.objects.filter(alert=alert)
    assert {d.recipient_id for d in dues} == {care.recipient.pk, care.recipient2.pk}
    assert all(d.due_at - d.opens_at == dt.timedelta(hours=24) for d in dues)
    assert {d.pair_id for d in dues} == {care.pair.pk, care.recipient2.pairs.get().pk}
    grid_alert = plans.declare_alert(care.staff, kind="cold", area=care.tree.g1, starts_at=start)
    assert list(VisitDue.objects.filter(alert=grid_alert).values_list("recipient_id", flat=True)) == [
        care.recipient.pk]


def test_an_alert_over_a_holiday_is_due_24_calendar_hours_later(care):
    from linli.cases.worktime import WorkCalendar

    for day in range(1, 8):
        Holiday.objects.create(date=dt.date(2026, 10, day), is_workday=False, name="国庆节")
    eve = at(2026, 9, 30, 20)
    alert = plans.declare_alert(care.staff, kind="outage", area=care.tree.g1, starts_at=eve, now=eve)
    due = VisitDue.objects.get(alert=alert)
    assert due.due_at == at(2026, 10, 1, 20)  # on the holiday itself, not after it
    assert WorkCalendar().add_hours(eve, 24) > at(2026, 10, 8)  # what working time would have given
    assert due.month == dt.date(2026, 10, 1)
    assert VisitDue.objects.filter(plans.due_soon_q(at(2026, 10, 1, 9)), pk=due.pk).exists()
    assert VisitDue.objects.filter(plans.overdue_q(at(2026, 10, 2, 9)), pk=due.pk).exists()


def test_an_alert_cannot_be_declared_far_in_the_past_or_future(care):
    now = timezone.now()
    for when in (now - dt.timedelta(days=3), now + dt.timedelta(days=8)):
        with pytest.raises(CareError):
            plans.declare_alert(care.staff, kind="heat", area=care.tree.g1, starts_at=when)
    assert not VisitDue.objects.filter(alert__isnull=False).exists()


def test_only_staff_and_care_workers_over_the_area_declare_alerts(care):
    for user in (care.grid, care.carer, care.dept, care.staff_b):
        with pytest.raises(CareError):
            plans.declare_alert(user, kind="heat", area=care.tree.comm_a1)
    plans.declare_alert(care.care_worker, kind="heat", area=care.tree.comm_a1)
    with pytest.raises(CareError):
        plans.declare_alert(care.staff, kind="flood", area=care.tree.comm_a1)
    assert VisitDue.objects.filter(alert__isnull=False).count() == 2


def test_a_visit_meets_the_open_dues_and_catches_up_missed_ones(care):
    r = care.recipient
    now = timezone.now()
    open_due = VisitDue.objects.get(recipient=r, alert__isnull=True)
    missed = VisitDue.objects.create(recipient=r, area=r.area, cadence=Cadence.MONTH, opens_at=now - dt.timedelta(60),
                                     due_at=now - dt.timedelta(30), month=dt.date(2000, 1, 1))
    visit = visits.record_visit(care.carer, r, mode=Visit.Mode.IN_PERSON, started_at=now - dt.timedelta(minutes=20),
                                ended_at=now - dt.timedelta(minutes=5), lat=29.401, lng=106.501)
    open_due.refresh_from_db()
    missed.refresh_from_db()
    assert open_due.visit_id == visit.pk and open_due.met_at == visit.started_at
    assert missed.met_at is None and missed.caught_up_at == visit.started_at
    assert visit.team_id is None and visit.service_type == "home_visit"


def test_due_soon_and_overdue_flags_notify_the_carer_and_grid_worker_once(care):
    r = care.recipient
    now = timezone.now()
    VisitDue.objects.filter(recipient=r).delete()
    soon = VisitDue.objects.create(recipient=r, area=r.area, pair=care.pair, cadence=Cadence.MONTH,
                                   opens_at=now - dt.timedelta(days=25), due_at=now + dt.timedelta(days=3),
                                   month=dt.date(2026, 1, 1))
    late = VisitDue.objects.create(recipient=r, area=r.area, pair=care.pair, cadence=Cadence.MONTH,
                                   opens_at=now - dt.timedelta(days=60), due_at=now - dt.timedelta(days=29),
                                   month=dt.date(2025, 12, 1))
    far = VisitDue.objects.create(recipient=r, area=r.area, pair=care.pair, cadence=Cadence.QUARTER,
                                  opens_at=now, due_at=now + dt.timedelta(days=60), month=dt.date(2026, 3, 1))
    assert set(VisitDue.objects.filter(plans.due_soon_q(now)).values_list("pk", flat=True)) >= {soon.pk}
    assert far.pk not in set(VisitDue.objects.filter(plans.due_soon_q(now)).values_list("pk", flat=True))
    assert set(VisitDue.objects.filter(recipient=r).filter(plans.overdue_q(now)).values_list("pk", flat=True)) == {
        late.pk}
    result = run_visit_checks(now)
    assert result["due_soon"] >= 1 and result["missed"] >= 1
    soon.refresh_from_db()
    late.refresh_from_db()
    far.refresh_from_db()
    assert soon.warned_at == now and late.missed_notice_at == now and far.warned_at is None
    texts = list(Message.objects.filter(recipient=care.carer).values_list("text", flat=True))
    assert len(texts) == result["due_soon"] + result["missed"] and all("王奶奶" in t for t in texts)
    assert Message.objects.filter(recipient=care.grid).count() == Message.objects.filter(recipient=care.carer).count()
    assert not Message.objects.filter(recipient=care.grid2, text__contains="王奶奶").exists()
    before = Message.objects.count()
    run_visit_checks(now)
    assert Message.objects.count() == before  # each flag is sent once


def test_visit_rate_on_fixed_data(care):
    r1, r2 = care.recipient, care.recipient2
    VisitDue.objects.all().delete()
    jan = dt.date(2026, 1, 1)

    def due(r, met, month=jan, cadence=Cadence.MONTH, **kw):
        return VisitDue.objects.create(recipient=r, area=r.area, cadence=cadence, opens_at=at(2026, 1, 1, 0),
                                       due_at=at(2026, 2, 1, 0), month=month, met_at=at(2026, 1, 5) if met else None,
                                       **kw)

    due(r1, True)
    due(r2, True)
    for week in range(3):
        VisitDue.objects.create(recipient=r2, area=r2.area, cadence=Cadence.WEEK, opens_at=at(2026, 1, 5 + 7 * week, 0),
                                due_at=at(2026, 1, 12 + 7 * week, 0), month=jan,
                                met_at=at(2026, 1, 6 + 7 * week) if week != 1 else None)
    # Replaced by a risk change: not counted.
    due(r1, False, cadence=Cadence.QUARTER, superseded_at=at(2026, 1, 10))
    now = at(2026, 2, 10)
    qs = VisitDue.objects.all()
    rate = plans.visit_rate(qs, 2026, 1, now)
    assert (rate.due, rate.met, rate.percent) == (5, 4, 80)
    by_grid = {x.label: (x.due, x.met) for x in plans.rates_by(qs, 2026, 1, "area_id", "area__name", now)}
    assert by_grid == {"一网格": (1, 1), "二网格": (4, 3)}
    monthly = plans.monthly_rates(qs, dt.date(2026, 2, 1), 2, now)
    assert [(m.label, m.due, m.met) for m in monthly] == [("2026-01", 5, 4), ("2026-02", 0, 0)]
    assert monthly[1].percent is None


def test_an_unmet_due_still_running_does_not_lower_the_rate(care):
    VisitDue.objects.all().delete()
    r = care.recipient
    VisitDue.objects.create(recipient=r, area=r.area, cadence=Cadence.MONTH, opens_at=at(2026, 1, 1, 0),
                            due_at=at(2026, 2, 1, 0), month=dt.date(2026, 1, 1))
    assert plans.visit_rate(VisitDue.objects.all(), 2026, 1, at(2026, 1, 20)).due == 0
    assert plans.visit_rate(VisitDue.objects.all(), 2026, 1, at(2026, 2, 2)).percent == 0


def test_risk_change_replaces_the_open_period_with_the_new_cadence(care):
    r = care.recipient
    old = VisitDue.objects.get(recipient=r, alert__isnull=True)
    recipients.update(care.staff, r, categories=r.categories, risk=Risk.HIGH, risk_reason="摔倒后独居")
    old.refresh_from_db()
    assert old.superseded_at is not None
    new = VisitDue.objects.get(recipient=r, cadence=Cadence.WEEK)
    assert new.superseded_at is None and new.due_at - new.opens_at == dt.timedelta(days=7)
