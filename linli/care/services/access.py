"""Who may do what in care, and the one place health notes are read (logged like unmasking)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.scope import Scope, scope_for, scoped
from linli.people.models import RoleAssignment, UnmaskLog

from ..models import CarePair, CareRecipient, HealthNote

REASON_MIN, REASON_MAX = 2, 200
# Who registers recipients, pairs carers, declares alerts and sends errands, over the areas they cover.
MANAGER_ROLES = roles.STAFF_ROLES | roles.CARE_ROLES | roles.GRID_ROLES


class CareError(ValidationError):
    """A refused care action; the message says why, in the user's language; nothing was changed."""


def manages(scope: Scope, area_code: str) -> bool:
    """Staff, care workers and grid workers whose areas cover ``area_code``."""
    return scope.everything or (bool(scope.roles & MANAGER_ROLES) and scope.covers_code(area_code))


def is_manager(scope: Scope) -> bool:
    return scope.everything or bool(scope.roles & MANAGER_ROLES)


def visible_recipients(user) -> QuerySet:
    return scoped(CareRecipient.objects.all(), user)


def recipient_or_404(user, pk: int, qs: QuerySet | None = None) -> CareRecipient:
    obj = scoped(qs if qs is not None else CareRecipient.objects.all(), user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def is_carer_of(user, recipient: CareRecipient) -> bool:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return False
    return CarePair.objects.active().mine_q_ids(person_id).filter(recipient_id=recipient.pk).exists()


def may_record_visit(user, recipient: CareRecipient) -> bool:
    """The recipient's carers, and staff, care and grid workers over the recipient's area."""
    return manages(scope_for(user), recipient.area.code) or is_carer_of(user, recipient)


def may_read_health(user, recipient: CareRecipient) -> bool:
    """Care roles over the recipient's area and the grid worker of the recipient's own grid, nobody else.

    Decided from the role assignments themselves (one query), not from the merged scope: a care worker of
    one community who is also a grid worker elsewhere reads health notes only where a rule allows it.
    """
    person_id = getattr(user, "person_id", None)
    if not person_id or not getattr(user, "is_authenticated", False):
        return False
    code = recipient.area.code
    rows = (RoleAssignment.objects.current().filter(person_id=person_id, area__isnull=False,
                                                     role__in=[*roles.CARE_ROLES, roles.GRID_WORKER])
            .values_list("role", "area__code"))
    for role, area_code in rows:
        if role in roles.CARE_ROLES and code.startswith(area_code):
            return True
        if role == roles.GRID_WORKER and code[:len(area_code)] == area_code and len(area_code) == 15:
            return True
    return False


def reveal_health(user, recipient: CareRecipient, reason: str, ip: str | None = None) -> list[HealthNote]:
    """The recipient's health notes, written to the people app's access log (who, whom, why, when).

    ``Http404`` if the recipient is outside the user's scope, ``PermissionDenied`` if their roles do not
    allow reading health notes, ``CareError`` for a missing or too long reason.
    """
    recipient_or_404(user, recipient.pk)
    if not may_read_health(user, recipient):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise CareError(_("Please give the reason (at least %(n)d characters).") % {"n": REASON_MIN})
    if len(reason) > REASON_MAX:
        raise CareError(_("The reason may have at most %(n)d characters.") % {"n": REASON_MAX})
    UnmaskLog.objects.create(user=user, person=recipient.person, field=UnmaskLog.Field.HEALTH_NOTES,
                             reason=reason, ip=ip or None)
    return list(recipient.health_notes.select_related("written_by__person")[:100])


def add_health_note(user, recipient: CareRecipient, text: str) -> HealthNote:
    recipient_or_404(user, recipient.pk)
    if not may_read_health(user, recipient):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise CareError(_("Write the health note."))
    if len(text) > 1000:
        raise CareError(_("Keep the health note under 1000 characters."))
    return HealthNote.objects.create(recipient=recipient, text=text, written_by=user)
