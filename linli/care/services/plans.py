"""Visit plans: the calendar periods each recipient is owed a visit in, alerts, due and missed flags, rates.

A plan follows the recipient's risk level: high → one visit every ISO week (Monday to Sunday), priority →
every calendar month, ordinary → every calendar quarter; and, whatever the level, one visit within 24 hours
of an alert that staff declare for the recipient's area.  Periods are calendar days in Asia/Shanghai and
never move for holidays or weekends: an old person needs the visit on a public holiday too (unlike the
working-time deadlines of cases).  Each period is a ``VisitDue`` row, made ahead by ``ensure_dues`` (the
worker runs it daily; registering a recipient or pairing a carer runs it too), met by the first visit in
it, flagged "due soon" near its end and "missed" after it.  Rates are counts over these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.scope import scope_for, scoped
from linli.places.models import Area

from ..models import CADENCE_OF_RISK, Alert, Cadence, CarePair, CareRecipient, Visit, VisitDue
from .access import CareError, manages

ALERT_HOURS = 24
# A due is "due soon" this long before its end.
WARN = {Cadence.WEEK: dt.timedelta(days=2), Cadence.MONTH: dt.timedelta(days=7),
        Cadence.QUARTER: dt.timedelta(days=14), Cadence.ALERT: dt.timedelta(hours=ALERT_HOURS)}


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period containing ``day``: (first day, first day of the next period)."""
    if cadence == Cadence.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    months = 1 if cadence == Cadence.MONTH else 3
    first_month = day.month if months == 1 else 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    month = first_month + months
    end = dt.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return start, end


def periods(cadence: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period from the one containing ``first`` to the one containing ``last``."""
    out: list[tuple[dt.date, dt.date]] = []
    start, end = period_of(cadence, first)
    while start <= last:
        out.append((start, end))
        start, end = period_of(cadence, end)
    return out


def owner_pairs(recipient_ids: Iterable[int]) -> dict[int, CarePair]:
    """The owning pair of each recipient: their earliest active pair (one query)."""
    owners: dict[int, CarePair] = {}
    for pair in CarePair.objects.active().filter(recipient_id__in=list(recipient_ids)).order_by("starts_on", "id"):
        owners.setdefault(pair.recipient_id, pair)
    return owners


def _first_visits(recipient_id: int, windows: list[tuple[dt.datetime, dt.datetime]]
                  ) -> list[tuple[Visit | None, Visit | None]]:
    """For each window: the first visit in it, and (if none) the first visit after it (one query)."""
    if not windows:
        return []
    visits = list(Visit.objects.filter(recipient_id=recipient_id, started_at__gte=windows[0][0])
                  .order_by("started_at").only("id", "started_at"))
    out = []
    for a, b in windows:
        met = next((v for v in visits if a <= v.started_at < b), None)
        out.append((met, None if met else next((v for v in visits if v.started_at >= b), None)))
    return out


@transaction.atomic
def ensure_dues(today: dt.date | None = None, recipients: QuerySet | None = None) -> int:
    """Make the regular dues of every active recipient up to the period containing ``today``; returns how many.

    The first period is the one the recipient was registered in.  A period already met by a visit (a visit
    recorded before the due existed) is marked met, a missed one followed by a visit caught up.  Idempotent.
    """
    today = today or timezone.localdate()
    qs = (recipients if recipients is not None else CareRecipient.objects.all()).filter(active=True)
    rows = list(qs.values_list("id", "risk", "area_id", "created_at"))
    owners = owner_pairs(r[0] for r in rows)
    existing = set(VisitDue.objects.filter(recipient_id__in=[r[0] for r in rows], alert__isnull=True)
                   .values_list("recipient_id", "cadence", "opens_at"))
    latest: dict[tuple[int, str], dt.datetime] = {}
    any_cadence: set[int] = set()
    for rid, cadence, opens in existing:
        latest[(rid, cadence)] = max(latest.get((rid, cadence), opens), opens)
        any_cadence.add(rid)
    new: list[VisitDue] = []
    for rid, risk, area_id, created_at in rows:
        cadence = CADENCE_OF_RISK[risk]
        since = latest.get((rid, cadence))
        if since:
            first = timezone.localtime(since).date()
        elif rid in any_cadence:  # the risk level changed: the new cadence starts with today's period
            first = today
        else:
            first = timezone.localtime(created_at).date()
        todo = [(a, b) for a, b in periods(cadence, first, today)
                if (rid, cadence, local_midnight(a)) not in existing]
        windows = [(local_midnight(a), local_midnight(b)) for a, b in todo]
        met = _first_visits(rid, windows)
        pair = owners.get(rid)
        for (opens, due), (visit, later) in zip(windows, met, strict=True):
            new.append(VisitDue(recipient_id=rid, area_id=area_id, pair=pair, team_id=pair.team_id if pair else None,
                                cadence=cadence, opens_at=opens, due_at=due, month=rate_month(due), visit=visit,
                                met_at=visit.started_at if visit else None,
                                caught_up_at=later.started_at if later else None))
    VisitDue.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def change_cadence(recipient: CareRecipient, now: dt.datetime | None = None) -> None:
    """After a risk change: the open unmet due of the old cadence is replaced by the new cadence's period."""
    now = now or timezone.now()
    new = CADENCE_OF_RISK[recipient.risk]
    VisitDue.objects.filter(recipient=recipient, alert__isnull=True, met_at__isnull=True, superseded_at__isnull=True,
                            due_at__gt=now).exclude(cadence=new).update(superseded_at=now)
    ensure_dues(timezone.localdate(now), CareRecipient.objects.filter(pk=recipient.pk))


def meet_dues(visit: Visit) -> int:
    """A visit meets every open due of its recipient it falls in, and catches up the missed ones before it."""
    at = visit.started_at
    open_q = Q(recipient_id=visit.recipient_id, met_at__isnull=True, superseded_at__isnull=True)
    n = VisitDue.objects.filter(open_q, opens_at__lte=at, due_at__gt=at).update(visit=visit, met_at=at)
    VisitDue.objects.filter(open_q, due_at__lte=at, caught_up_at__isnull=True).update(caught_up_at=at)
    return n


# --- alerts ---------------------------------------------------------------------------------------------------

@transaction.atomic
def declare_alert(user, *, kind: str, area: Area, note: str = "", starts_at: dt.datetime | None = None,
                  now: dt.datetime | None = None) -> Alert:
    """An alert for an area: every active recipient there is owed a visit within 24 hours (holidays included)."""
    scope = scope_for(user)
    if not (scope.everything or ((scope.is_staff or scope.roles & roles.CARE_ROLES) and scope.covers_code(area.code))):
        raise CareError(_("Only staff and care workers over this area can declare an alert."))
    if kind not in Alert.Kind.values:
        raise CareError(_("Choose the kind of alert."))
    note = (note or "").strip()
    if len(note) > 200:
        raise CareError(_("Keep the note under 200 characters."))
    now = now or timezone.now()
    starts_at = starts_at or now
    if starts_at > now + dt.timedelta(days=7) or starts_at < now - dt.timedelta(days=2):
        raise CareError(_("An alert starts between two days ago and a week from now."))
    alert = Alert.objects.create(kind=kind, area=area, note=note, starts_at=starts_at, declared_by=user)
    low, high = area.code, str(int(area.code) + 1).zfill(len(area.code))
    rows = list(CareRecipient.objects.filter(active=True, area__code__gte=low, area__code__lt=high)
                .values_list("id", "area_id"))
    owners = owner_pairs(r[0] for r in rows)
    due = starts_at + dt.timedelta(hours=ALERT_HOURS)
    VisitDue.objects.bulk_create([
        VisitDue(recipient_id=rid, area_id=area_id, pair=owners.get(rid),
                 team_id=owners[rid].team_id if rid in owners else None, cadence=Cadence.ALERT, alert=alert,
                 opens_at=starts_at, due_at=due, month=rate_month(due)) for rid, area_id in rows], batch_size=500)
    return alert


# --- due and missed -------------------------------------------------------------------------------------------

def _open() -> Q:
    return Q(met_at__isnull=True, superseded_at__isnull=True)


def due_soon_q(now: dt.datetime) -> Q:
    """Open dues whose end is near (each cadence its own warning time), not yet past."""
    q = Q(pk__in=[])
    for cadence, warn in WARN.items():
        q |= Q(cadence=cadence, due_at__gt=now, due_at__lte=now + warn)
    return _open() & q


def overdue_q(now: dt.datetime) -> Q:
    """Missed dues with no visit since."""
    return _open() & Q(due_at__lte=now, caught_up_at__isnull=True)


def dues_for(user) -> QuerySet:
    return scoped(VisitDue.objects.all(), user).select_related("recipient__person", "area", "pair__carer", "team",
                                                             "alert")


# --- rates ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    label: str
    due: int
    met: int

    @property
    def percent(self) -> int | None:
        return None if not self.due else round(100 * self.met / self.due)


def rate_month(due_at: dt.datetime) -> dt.date:
    """The month a due counts in: the month of its last moment (a period ending at midnight on the 1st
    belongs to the month before)."""
    return (timezone.localtime(due_at) - dt.timedelta(microseconds=1)).date().replace(day=1)


def _rated(qs: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Dues that count in rates: those met, and those whose time is up; never those a risk change replaced."""
    now = now or timezone.now()
    return qs.filter(superseded_at__isnull=True).filter(Q(met_at__isnull=False) | Q(due_at__lte=now))


def visit_rate(qs: QuerySet, year: int, month: int, now: dt.datetime | None = None) -> Rate:
    """Of the dues counting in the month, how many were met in time (one aggregate query)."""
    agg = _rated(qs, now).filter(month=dt.date(year, month, 1)).aggregate(
        due=Count("id"), met=Count("id", filter=Q(met_at__isnull=False)))
    return Rate(f"{year}-{month:02d}", agg["due"], agg["met"])


def rates_by(qs: QuerySet, year: int, month: int, field: str, label_field: str,
             now: dt.datetime | None = None) -> list[Rate]:
    """Visit rates of the month grouped by ``field`` (team, grid), one query."""
    rows = (_rated(qs, now).filter(month=dt.date(year, month, 1)).values(field, label_field)
            .annotate(due=Count("id"), met=Count("id", filter=Q(met_at__isnull=False))).order_by(label_field))
    return [Rate(r[label_field] or "—", r["due"], r["met"]) for r in rows]


def monthly_rates(qs: QuerySet, until: dt.date, months: int = 12, now: dt.datetime | None = None) -> list[Rate]:
    """The visit rate of each of the last ``months`` months up to ``until``'s month (one query)."""
    first = until.replace(day=1)
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = (_rated(qs, now).filter(month__gte=first, month__lte=until).values("month")
            .annotate(due=Count("id"), met=Count("id", filter=Q(met_at__isnull=False))))
    counts = {r["month"]: (r["due"], r["met"]) for r in rows}
    out, day = [], first
    while day <= until:
        due, met = counts.get(day, (0, 0))
        out.append(Rate(f"{day.year}-{day.month:02d}", due, met))
        day = period_of(Cadence.MONTH, day)[1]
    return out


__all__ = ["ALERT_HOURS", "Rate", "change_cadence", "declare_alert", "due_soon_q", "dues_for", "ensure_dues",
           "manages", "meet_dues", "monthly_rates", "overdue_q", "period_of", "periods", "rate_month", "rates_by",
           "visit_rate"]
