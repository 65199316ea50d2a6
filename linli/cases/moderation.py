"""Moderation of what the public transparency page shows.

Photos appear on the public page only after community or street staff approve them (no faces, no
number plates); staff may hide a photo or a whole case with a reason.  Each decision is appended to
the case's event log as a ``CaseEvent`` with action ``moderate``; the case's status never changes.
(``services.transition`` only knows the state machine's actions, so moderation has its own functions.)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.models import User
from linli.core.scope import scope_for

from .models import Case, CaseEvent, CasePhoto
from .services import CaseError

MODERATOR_ROLES = {roles.COMMUNITY_STAFF, roles.STREET_STAFF, roles.DISTRICT_ADMIN}
REASON_MAX = 200
ACTION = "moderate"


def can_moderate(user: User, case: Case) -> bool:
    """Community or street staff (or a district administrator) whose scope covers the case's area."""
    scope = scope_for(user)
    if scope.everything:
        return True
    return bool(scope.roles & MODERATOR_ROLES) and scope.covers_code(case.area.code)


def _check(user: User, case: Case) -> None:
    if not can_moderate(user, case):
        raise PermissionDenied(_("Only community or street staff may moderate this case."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Please give a reason."))
    if len(reason) > REASON_MAX:
        raise CaseError(_("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX})
    return reason


def _log(case: Case, user: User, what: str, note: str = "", **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, action=ACTION, from_status=case.status, to_status=case.status,
                                    actor=user, note=note, data={"what": what, **data})


def _photo(case: Case, photo: CasePhoto) -> CasePhoto:
    if photo.case_id != case.pk:
        raise CaseError(_("This photo does not belong to this case."))
    return CasePhoto.objects.select_for_update().get(pk=photo.pk)


@transaction.atomic
def approve_photo(case: Case, photo: CasePhoto, user: User) -> CaseEvent:
    """Show a photo on the public page (it also clears an earlier hiding)."""
    _check(user, case)
    photo = _photo(case, photo)
    if photo.public_approved and not photo.hidden:
        raise CaseError(_("This photo is already shown to the public."))
    photo.public_approved, photo.hidden, photo.hidden_reason = True, False, ""
    photo.save(update_fields=["public_approved", "hidden", "hidden_reason"])
    return _log(case, user, "approve_photo", photo=str(photo.uuid))


@transaction.atomic
def hide_photo(case: Case, photo: CasePhoto, user: User, reason: str) -> CaseEvent:
    """Keep a photo off the public page, with a reason (staff in scope still see it)."""
    _check(user, case)
    reason = _reason(reason)
    photo = _photo(case, photo)
    if photo.hidden:
        raise CaseError(_("This photo is already hidden."))
    photo.public_approved, photo.hidden, photo.hidden_reason = False, True, reason
    photo.save(update_fields=["public_approved", "hidden", "hidden_reason"])
    return _log(case, user, "hide_photo", reason, photo=str(photo.uuid))


@transaction.atomic
def hide_case(case: Case, user: User, reason: str) -> CaseEvent:
    """Leave a case out of the public list and map, with a reason."""
    _check(user, case)
    reason = _reason(reason)
    case = Case.objects.select_for_update().select_related("area").get(pk=case.pk)
    if case.public_hidden:
        raise CaseError(_("This case is already hidden from the public."))
    Case.objects.filter(pk=case.pk).update(public_hidden=True, public_hidden_reason=reason)
    return _log(case, user, "hide_case", reason)


@transaction.atomic
def show_case(case: Case, user: User) -> CaseEvent:
    """Put a hidden case back on the public page."""
    _check(user, case)
    case = Case.objects.select_for_update().select_related("area").get(pk=case.pk)
    if not case.public_hidden:
        raise CaseError(_("This case is already shown to the public."))
    Case.objects.filter(pk=case.pk).update(public_hidden=False, public_hidden_reason="")
    return _log(case, user, "show_case")
