"""Deadline watch, run by the worker every ten minutes.

- nearing: a case being handled whose resolve deadline is less than ``LINLI_NEAR_DEADLINE_HOURS``
  working hours away gets one "deadline_near" event (its handlers are told);
- overdue: a case past its acceptance or resolve deadline is marked overdue (sticky: it counts
  against 按期结案率) with one "overdue" event;
- escalation: a case still open ``LINLI_ESCALATE_AFTER_HOURS`` working hours past its deadline is
  escalated one level by the system, with a fresh resolve deadline at the new level.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, CaseEvent, HandlerLevel, Status
from .notify import after_commit
from .services import CaseError, transition
from .worktime import WorkCalendar

HANDLING = (Status.DISPATCHED, Status.IN_PROGRESS)
BATCH = 500


def _log(case: Case, action: str, data: dict) -> None:
    event = CaseEvent.objects.create(case=case, action=action, from_status=case.status, to_status=case.status,
                                     data=data)
    after_commit(event)


def check_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    cal = WorkCalendar()
    counts = {"near": 0, "overdue": 0, "escalated": 0}
    near_hours = getattr(settings, "LINLI_NEAR_DEADLINE_HOURS", 4)
    grace = settings.LINLI_ESCALATE_AFTER_HOURS

    # Nearing the resolve deadline: at most one event per deadline.
    horizon = cal.add_hours(now, near_hours)
    near = list(Case.objects.filter(status__in=HANDLING, overdue=False, resolve_due__gt=now,
                                    resolve_due__lte=horizon)[:BATCH])
    told = {(e["case_id"], e["data"].get("due")) for e in
            CaseEvent.objects.filter(case__in=near, action="deadline_near").values("case_id", "data")}
    for case in near:
        assert case.resolve_due is not None  # filtered on resolve_due above
        due = case.resolve_due.isoformat()
        if (case.pk, due) not in told:
            with transaction.atomic():
                _log(case, "deadline_near", {"due": due})
            counts["near"] += 1

    # Overdue: past the acceptance deadline while still reported, or past the resolve deadline.
    late = (Case.objects.filter(overdue=False, status=Status.REPORTED, accept_due__lt=now)
            | Case.objects.filter(overdue=False, status__in=(Status.ACCEPTED, *HANDLING), resolve_due__lt=now))
    for case in list(late[:BATCH]):
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(overdue=True)
            kind = "accept" if case.status == Status.REPORTED else "resolve"
            _log(case, "overdue", {"deadline": kind})
        counts["overdue"] += 1

    # Escalation after the grace period, one level at a time.
    for case in list(Case.objects.filter(status__in=HANDLING, resolve_due__lt=now)
                     .exclude(level=HandlerLevel.DEPARTMENT).select_related("category")[:BATCH]):
        if case.resolve_due is None or cal.working_hours_between(case.resolve_due, now) < grace:
            continue
        try:
            transition(case, "escalate", system=True, note=_("Escalated automatically: overdue."))
        except CaseError:
            continue  # e.g. no department for the category: supervisors see it as overdue
        counts["escalated"] += 1
    return counts
