"""The care figures: calls, errands by type and status, time to done, per agent; visits and visit rates;
six-helps services delivered; 微孝 outreach sessions and person-times.  Every number is one aggregate query
over the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils import timezone

from linli.core.scope import scoped

from ..models import Call, Errand, HelpBooking, HelpKind, Outreach, RequestType, Visit, VisitDue
from . import outreach, plans


@dataclass
class CareFigures:
    month: dt.date
    calls: int
    calls_by_type: list[tuple[str, int]]
    errands_by_kind: list[tuple[str, int]]
    errands_by_status: list[tuple[str, int]]
    errands_done: int
    avg_minutes_to_done: int | None
    agents: list[dict]
    visits: int
    visit_rate: plans.Rate
    rates_by_team: list[plans.Rate]
    rates_by_grid: list[plans.Rate]
    monthly: list[plans.Rate]
    helps_delivered: list[tuple[str, int]]
    overdue: int
    outreach: list[outreach.OutreachTotal]


def _month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start, end = plans.period_of("month", month)
    return plans.local_midnight(start), plans.local_midnight(end)


def care_figures(user, month: dt.date, now: dt.datetime | None = None) -> CareFigures:
    now = now or timezone.now()
    month = month.replace(day=1)
    start, end = _month_range(month)
    calls = scoped(Call.objects.all(), user).filter(at__gte=start, at__lt=end)
    call_labels = dict(RequestType.choices)
    errands = scoped(Errand.objects.all(), user).filter(created_at__gte=start, created_at__lt=end)
    kinds, statuses = dict(Errand.Kind.choices), dict(Errand.Status.choices)
    done_q = Q(status__in=[Errand.Status.DONE, Errand.Status.CONFIRMED])
    done = scoped(Errand.objects.all(), user).filter(done_q, done_at__gte=start, done_at__lt=end)
    agents = list(done.values("agent_id", "agent__name").annotate(n=Count("id"), avg=Avg("minutes_to_done"))
                  .order_by("-n", "agent__name")[:50])
    dues = scoped(VisitDue.objects.all(), user)
    helps = scoped(HelpBooking.objects.all(), user).filter(status=HelpBooking.Status.DELIVERED,
                                                            delivered_at__gte=start, delivered_at__lt=end)
    help_labels = dict(HelpKind.choices)
    avg = done.aggregate(a=Avg("minutes_to_done"))["a"]
    return CareFigures(
        month=month,
        calls=calls.count(),
        calls_by_type=[(str(call_labels[r["request_type"]]), r["n"]) for r in
                       calls.values("request_type").annotate(n=Count("id")).order_by("request_type")],
        errands_by_kind=[(str(kinds[r["kind"]]), r["n"]) for r in
                         errands.values("kind").annotate(n=Count("id")).order_by("kind")],
        errands_by_status=[(str(statuses[r["status"]]), r["n"]) for r in
                           errands.values("status").annotate(n=Count("id")).order_by("status")],
        errands_done=done.count(),
        avg_minutes_to_done=round(avg) if avg is not None else None,
        agents=[{"name": a["agent__name"], "done": a["n"], "avg": round(a["avg"] or 0)} for a in agents],
        visits=scoped(Visit.objects.all(), user).filter(started_at__gte=start, started_at__lt=end).count(),
        visit_rate=plans.visit_rate(dues, month.year, month.month, now),
        rates_by_team=plans.rates_by(dues, month.year, month.month, "team_id", "team__name", now),
        rates_by_grid=plans.rates_by(dues, month.year, month.month, "area_id", "area__name", now),
        monthly=plans.monthly_rates(dues, month, 12, now),
        helps_delivered=[(str(help_labels[r["service__kind"]]), r["n"]) for r in
                         helps.values("service__kind").annotate(n=Count("id")).order_by("service__kind")],
        overdue=dues.filter(plans.overdue_q(now)).count(),
        outreach=outreach.totals(scoped(Outreach.objects.all(), user).filter(activity__starts_at__gte=start,
                                                                               activity__starts_at__lt=end)),
    )
