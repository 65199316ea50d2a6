"""Accountability: every assigned or escalated item followed to closure through its case, and the figures.

Figures per series and period (one aggregate query for any number of series):

- ``held``: meetings held; ``raised``: items raised (carry-overs of deferred items not counted twice);
- ``on_the_spot``: solved at the meeting; ``assigned`` / ``escalated``: handed to the case loop;
- ``closed``: of those handed on, the ones whose case is closed; ``on_time``: closed by the meeting's
  deadline (or, without one, never overdue in the loop); ``open``: handed on and not closed yet;
- ``solved``: solved on the spot plus closed ("8 sessions, 36 issues solved").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from linli.cases.models import Status

from .models import AgendaItem, ItemSource, Meeting, MeetingStatus, Outcome

TRACKED = (Outcome.ASSIGNED, Outcome.ESCALATED)
CLOSED = (Status.CLOSED,)
ENDED = (Status.CLOSED, Status.REJECTED)


@dataclass(frozen=True)
class Figures:
    held: int = 0
    raised: int = 0
    on_the_spot: int = 0
    assigned: int = 0
    escalated: int = 0
    deferred: int = 0
    declined: int = 0
    closed: int = 0
    on_time: int = 0
    open: int = 0

    @property
    def solved(self) -> int:
        return self.on_the_spot + self.closed


def _conditions(prefix: str) -> dict[str, Count]:
    p = prefix
    tracked = Q(**{f"{p}outcome__in": TRACKED, f"{p}case__isnull": False})
    closed = tracked & Q(**{f"{p}case__status__in": CLOSED})
    on_time = closed & (Q(**{f"{p}deadline__isnull": False, f"{p}case__closed_at__date__lte": F(f"{p}deadline")})
                        | Q(**{f"{p}deadline__isnull": True, f"{p}case__overdue": False}))
    item = f"{p}id" if p else "id"
    return {
        "raised": Count(item, filter=~Q(**{f"{p}source": ItemSource.DEFERRED})),
        "on_the_spot": Count(item, filter=Q(**{f"{p}outcome": Outcome.SOLVED})),
        "assigned": Count(item, filter=Q(**{f"{p}outcome": Outcome.ASSIGNED})),
        "escalated": Count(item, filter=Q(**{f"{p}outcome": Outcome.ESCALATED})),
        "deferred": Count(item, filter=Q(**{f"{p}outcome": Outcome.DEFERRED})),
        "declined": Count(item, filter=Q(**{f"{p}outcome": Outcome.DECLINED})),
        "closed": Count(item, filter=closed),
        "on_time": Count(item, filter=on_time),
        "open": Count(item, filter=tracked & ~Q(**{f"{p}case__status__in": ENDED})),
    }


def held_meetings(start: dt.date | None = None, end: dt.date | None = None) -> QuerySet:
    qs = Meeting.objects.filter(status=MeetingStatus.HELD)
    if start is not None:
        qs = qs.filter(starts_at__date__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__date__lte=end)
    return qs


def solved_items(start: dt.date | None = None, end: dt.date | None = None) -> QuerySet:
    """The items ``Figures.solved`` counts: of held meetings, solved on the spot or handed on and closed."""
    closed = Q(outcome__in=TRACKED, case__isnull=False, case__status__in=CLOSED)
    return AgendaItem.objects.filter(meeting__in=held_meetings(start, end)).filter(Q(outcome=Outcome.SOLVED) | closed)


def figures_by_series(series_ids: list[int], start: dt.date | None = None,
                      end: dt.date | None = None) -> dict[int, Figures]:
    """Figures of each series in one query (meetings joined to their items)."""
    if not series_ids:
        return {}
    rows = (held_meetings(start, end).filter(series_id__in=series_ids).values("series_id")
            .annotate(held=Count("id", distinct=True), **_conditions("items__")).order_by())
    result = {sid: Figures() for sid in series_ids}
    for row in rows:
        sid = row.pop("series_id")
        result[sid] = Figures(**row)
    return result


def figures(series, start: dt.date | None = None, end: dt.date | None = None) -> Figures:
    return figures_by_series([series.pk], start, end)[series.pk]


def tracked_items(qs: QuerySet | None = None) -> QuerySet:
    """Assigned and escalated items with their case (newest first), ready for the live-state columns."""
    qs = AgendaItem.objects.all() if qs is None else qs
    return (qs.filter(outcome__in=TRACKED, case__isnull=False)
            .select_related("meeting__series", "case__handler_area", "case__handler_department", "case__category",
                            "handler_department", "area", "category"))


def attach_state(items) -> None:
    """``item.overdue``: the meeting's deadline has passed (or the loop says overdue) and the case is open."""
    today = timezone.localdate()
    for item in items:
        case = item.case
        open_ = case is not None and case.status not in ENDED
        item.case_open = open_
        item.overdue = open_ and ((item.deadline is not None and item.deadline < today) or case.overdue)
        if case is not None:
            item.handler_name = (case.handler_department.name if case.handler_department_id
                                 else case.handler_area.name if case.handler_area_id else "")
