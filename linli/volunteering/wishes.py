"""Micro-wishes (微心愿): posted → approved by staff → claimed → fulfilled with a photo → confirmed.

A resident or worker posts their own wish; staff may post one for someone (an elderly person calling in).
Staff over the wish's area approve or reject it; a volunteer (or a partner unit's staff, for the unit)
claims it; the claimer fulfils it with a photo; the wisher or staff confirm, and the fulfiller earns the
scheme's points for a wish once (``earning.award_wish``, idempotent).  The public wish wall shows only the
wish's short title, its area and its state, never a name.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.photos import PhotoError, inspect_upload
from linli.core.scope import scope_for
from linli.people.models import Person
from linli.places.models import Area, PartnerUnit
from linli.points import earning

from .access import covers, neighbourhood_q
from .activities import ActivityError
from .models import Wish

PUBLIC_STATES = (Wish.Status.APPROVED, Wish.Status.CLAIMED, Wish.Status.FULFILLED, Wish.Status.CONFIRMED)


class WishError(ActivityError):
    pass


def visible_wishes(user) -> QuerySet:
    """Wishes in the user's scope, their own, and the open ones of their neighbourhood (to claim)."""
    scope = scope_for(user)
    qs = Wish.objects.all()
    if scope.everything:
        return qs
    open_here = neighbourhood_q("area__code", user) & Q(status__in=PUBLIC_STATES)
    return qs.filter(Wish.scope_q(scope) | open_here)


def public_wishes() -> QuerySet:
    return Wish.objects.filter(status__in=PUBLIC_STATES)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise WishError(_("Say in a few words what is wished for."))
    if len(title) > 60:
        raise WishError(_("Keep the wish under 60 characters."))
    return title


def post_wish(user, *, title: str, description: str = "", wisher: Person | None = None,
              area: Area | None = None, by_phone: bool = False) -> Wish:
    """A wish by the user for themselves, or by staff for someone in their area."""
    if wisher is None or wisher.pk == getattr(user, "person_id", None):
        wisher = getattr(user, "person", None)
        if wisher is None:
            raise WishError(_("Your account is not linked to a person; ask staff to post the wish for you."))
    elif not covers(user, wisher.area):
        raise WishError(_("Only staff can post a wish for someone else in their area."))
    area = area or wisher.area
    if len(description or "") > 1000:
        raise WishError(_("Keep the details under 1000 characters."))
    return Wish.objects.create(title=_clean_title(title), description=(description or "").strip(), area=area,
                               wisher=wisher, posted_by=user, by_phone=by_phone)


def approve(wish: Wish, user) -> Wish:
    if not covers(user, wish.area):
        raise WishError(_("Only staff over this area can approve wishes."))
    if wish.status != Wish.Status.PENDING:
        raise WishError(_("This wish is not waiting for approval."))
    wish.status, wish.approved_by, wish.approved_at = Wish.Status.APPROVED, user, timezone.now()
    wish.save(update_fields=["status", "approved_by", "approved_at"])
    return wish


def reject(wish: Wish, user, reason: str) -> Wish:
    if not covers(user, wish.area):
        raise WishError(_("Only staff over this area can approve wishes."))
    if wish.status != Wish.Status.PENDING:
        raise WishError(_("This wish is not waiting for approval."))
    reason = (reason or "").strip()
    if not reason:
        raise WishError(_("Say why the wish is not approved."))
    wish.status, wish.reject_reason = Wish.Status.REJECTED, reason[:200]
    wish.approved_by, wish.approved_at = user, timezone.now()
    wish.save(update_fields=["status", "reject_reason", "approved_by", "approved_at"])
    return wish


@transaction.atomic
def claim(wish: Wish, user, partner: PartnerUnit | None = None) -> Wish:
    """The user claims the wish, for themselves or (sponsor staff) for their partner unit."""
    if partner is not None and partner.pk not in scope_for(user).partner_ids:
        raise WishError(_("You can only claim for your own unit."))
    if partner is None and not getattr(user, "person_id", None):
        raise WishError(_("Your account is not linked to a person."))
    if partner is None and wish.wisher_id == user.person_id:
        raise WishError(_("You cannot claim your own wish."))
    updated = Wish.objects.filter(pk=wish.pk, status=Wish.Status.APPROVED).update(
        status=Wish.Status.CLAIMED, claimed_by_id=None if partner else user.person_id,
        claimed_partner=partner, claimed_at=timezone.now())
    if not updated:
        raise WishError(_("This wish is not open to claim (someone may have claimed it just now)."))
    wish.refresh_from_db()
    return wish


def is_claimer(user, wish: Wish) -> bool:
    if wish.claimed_by_id and wish.claimed_by_id == getattr(user, "person_id", None):
        return True
    return bool(wish.claimed_partner_id and wish.claimed_partner_id in scope_for(user).partner_ids)


def fulfil(wish: Wish, user, photo, note: str = "") -> Wish:
    """The claimer reports the wish fulfilled with a photo (checked and re-encoded, metadata dropped)."""
    if not is_claimer(user, wish):
        raise WishError(_("Only whoever claimed the wish can report it fulfilled."))
    if wish.status != Wish.Status.CLAIMED:
        raise WishError(_("This wish is not waiting to be fulfilled."))
    if photo is None:
        raise WishError(_("Add a photo of the fulfilled wish."))
    try:
        checked = inspect_upload(photo)
    except PhotoError as exc:
        raise WishError(exc.messages[0]) from None
    if len(note or "") > 200:
        raise WishError(_("Keep the note under 200 characters."))
    wish.photo.save(f"{uuid.uuid4()}.jpg", ContentFile(checked.data), save=False)
    wish.status, wish.fulfil_note, wish.fulfilled_at = Wish.Status.FULFILLED, (note or "").strip(), timezone.now()
    wish.save(update_fields=["photo", "status", "fulfil_note", "fulfilled_at"])
    return wish


def may_confirm(user, wish: Wish) -> bool:
    return wish.wisher_id == getattr(user, "person_id", None) or covers(user, wish.area)


@transaction.atomic
def confirm(wish: Wish, user):
    """The wisher or staff confirm; the fulfiller earns the wish's points once.  Returns the transfer or None."""
    if not may_confirm(user, wish):
        raise WishError(_("Only the wisher or staff can confirm the wish."))
    updated = Wish.objects.filter(pk=wish.pk, status=Wish.Status.FULFILLED).update(
        status=Wish.Status.CONFIRMED, confirmed_by=user, confirmed_at=timezone.now())
    if not updated:
        raise WishError(_("This wish is not waiting for confirmation."))
    wish.refresh_from_db()
    return earning.award_wish(wish, user=user)
