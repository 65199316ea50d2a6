"""Background work of the care app: every hour, make the plans' dues, flag those due soon and those missed,
and tell the carer and the grid worker in their in-site messages (``cases.Message``)."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)
BATCH = 500


def _grid_worker_users(area_ids: set[int]) -> dict[int, list[int]]:
    """User ids of the current grid workers of each grid (one query)."""
    from linli.core import roles
    from linli.core.models import User
    from linli.people.models import RoleAssignment

    rows = RoleAssignment.objects.current().filter(role=roles.GRID_WORKER, area_id__in=area_ids).values_list(
        "area_id", "person_id")
    by_person: dict[int, list[int]] = {}
    for area_id, person_id in rows:
        by_person.setdefault(person_id, []).append(area_id)
    users: dict[int, list[int]] = {}
    for user_id, person_id in User.objects.filter(person_id__in=by_person, is_active=True).values_list(
            "id", "person_id"):
        for area_id in by_person[person_id]:
            users.setdefault(area_id, []).append(user_id)
    return users


def _notify(dues, text_for, stamp_field: str, now: dt.datetime) -> int:
    """One message per due to its carer (if they have a login) and to the grid workers of the recipient's grid."""
    from linli.cases.models import Message
    from linli.core.models import User

    from .models import VisitDue

    dues = list(dues[:BATCH])
    if not dues:
        return 0
    grid_users = _grid_worker_users({d.area_id for d in dues})
    carers = {d.pair.carer_id for d in dues if d.pair_id and d.pair.carer_id}
    carer_users = dict(User.objects.filter(person_id__in=carers, is_active=True).values_list("person_id", "id"))
    messages = []
    for due in dues:
        to = set(grid_users.get(due.area_id, []))
        if due.pair_id and due.pair.carer_id in carer_users:
            to.add(carer_users[due.pair.carer_id])
        messages += [Message(recipient_id=user_id, text=text_for(due)[:300]) for user_id in sorted(to)]
    Message.objects.bulk_create(messages, batch_size=BATCH)
    VisitDue.objects.filter(pk__in=[d.pk for d in dues]).update(**{stamp_field: now})
    return len(dues)


def run_visit_checks(now: dt.datetime | None = None) -> dict[str, int]:
    """Make the dues up to today, then flag the dues close to their end and the dues missed (idempotent)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from .models import VisitDue
    from .services import plans

    now = now or timezone.now()
    done = {"dues_made": plans.ensure_dues(timezone.localdate(now)), "due_soon": 0, "missed": 0}
    related = ("recipient__person", "pair")
    with override("zh-hans"):
        while True:
            qs = (VisitDue.objects.filter(plans.due_soon_q(now), warned_at__isnull=True)
                  .select_related(*related).order_by("due_at", "id"))
            n = _notify(qs, lambda d: _("Visit due: %(name)s needs a visit by %(when)s.") % {
                "name": d.recipient.person.name, "when": timezone.localtime(d.due_at).strftime("%m-%d %H:%M")},
                "warned_at", now)
            done["due_soon"] += n
            if n < BATCH:
                break
        while True:
            qs = (VisitDue.objects.filter(plans.overdue_q(now), missed_notice_at__isnull=True)
                  .select_related(*related).order_by("due_at", "id"))
            n = _notify(qs, lambda d: _("Visit missed: %(name)s was not visited by %(when)s.") % {
                "name": d.recipient.person.name, "when": timezone.localtime(d.due_at).strftime("%m-%d %H:%M")},
                "missed_notice_at", now)
            done["missed"] += n
            if n < BATCH:
                break
    log.info("care visit checks: %s", done)
    return done


@db_periodic_task(crontab(minute="15"))
def hourly_visit_checks() -> None:
    run_visit_checks()
