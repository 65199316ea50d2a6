"""Visits: recorded from a phone in under a minute, meeting the plan's dues; a need found becomes a case,
an errand or a micro-wish in one step, linked back to the visit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.models import Category, Channel
from linli.cases.services import CaseError, file_case
from linli.people.models import Person

from ..models import CarePair, CareRecipient, Errand, Visit
from . import errands, plans
from .access import CareError, may_record_visit, recipient_or_404

MAX_MINUTES = 12 * 60
MAX_AGE = dt.timedelta(days=30)


def _text(value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise CareError(_("Keep each text under %(n)d characters.") % {"n": limit})
    return value


@transaction.atomic
def record_visit(user, recipient: CareRecipient, *, mode: str, started_at: dt.datetime, ended_at: dt.datetime,
                 health: str = Visit.Level.GOOD, home_safety: str = Visit.Level.GOOD, mood: str = Visit.Level.GOOD,
                 needs: str = "", findings: str = "", follow_up: str = "", outcome: str = Visit.Outcome.OK,
                 lat: float | None = None, lng: float | None = None, carer: Person | None = None) -> Visit:
    """Log a visit by the user (or, for staff, by ``carer``) and meet the recipient's open dues."""
    recipient_or_404(user, recipient.pk)
    if not may_record_visit(user, recipient):
        raise CareError(_("Only the recipient's carers and the workers over this area can record visits."))
    carer = carer or getattr(user, "person", None)
    if carer is None:
        raise CareError(_("Your account is not linked to a person."))
    if mode not in Visit.Mode.values:
        raise CareError(_("Say whether the visit was in person or by phone."))
    for value in (health, home_safety, mood):
        if value not in Visit.Level.values:
            raise CareError(_("Choose good, fair or poor."))
    if outcome not in Visit.Outcome.values:
        raise CareError(_("Choose the outcome."))
    now = timezone.now()
    if ended_at < started_at:
        raise CareError(_("The visit cannot end before it started."))
    if ended_at - started_at > dt.timedelta(minutes=MAX_MINUTES):
        raise CareError(_("A visit lasts at most 12 hours."))
    if ended_at > now + dt.timedelta(minutes=5):
        raise CareError(_("A visit cannot be in the future."))
    if started_at < now - MAX_AGE:
        raise CareError(_("Visits older than 30 days cannot be recorded."))
    if (lat is None) != (lng is None) or (lat is not None and lng is not None
                                          and not (-90 <= lat <= 90 and -180 <= lng <= 180)):
        raise CareError(_("The phone's location is not valid."))
    if outcome == Visit.Outcome.PROBLEM and not (needs or findings).strip():
        raise CareError(_("Say what problem was found."))
    pair = (CarePair.objects.active().filter(recipient=recipient, carer=carer).select_related("team").first())
    visit = Visit.objects.create(
        recipient=recipient, area=recipient.area, carer=carer, team=pair.team if pair else None, recorded_by=user,
        mode=mode, service_type="home_visit" if mode == Visit.Mode.IN_PERSON else "phone_check",
        started_at=started_at, ended_at=ended_at, lat=lat if mode == Visit.Mode.IN_PERSON else None,
        lng=lng if mode == Visit.Mode.IN_PERSON else None, health=health, home_safety=home_safety, mood=mood,
        needs=_text(needs, 300), findings=_text(findings, 500), follow_up=_text(follow_up, 300), outcome=outcome)
    plans.meet_dues(visit)
    return visit


def visit_or_404(user, pk: int) -> Visit:
    from django.http import Http404

    from linli.core.scope import scoped

    visit = scoped(Visit.objects.select_related("recipient__person__household__unit__building", "recipient__area",
                                                "carer", "team", "case", "wish", "recorded_by__person"), user).filter(
        pk=pk).first()
    if visit is None:
        raise Http404
    return visit


NEED_KINDS = ("case", "errand", "wish")


@transaction.atomic
def turn_need(user, visit: Visit, kind: str, *, text: str = "", category: Category | None = None,
              errand_kind: str = Errand.Kind.OTHER):
    """One step from a need found on a visit to a case, an errand or a micro-wish, linked back to the visit."""
    visit = Visit.objects.select_for_update().select_related("recipient__person", "recipient__area").get(pk=visit.pk)
    recipient = visit.recipient
    if not may_record_visit(user, recipient):
        raise CareError(_("Only the recipient's carers and the workers over this area can act on a visit."))
    text = (text or visit.needs or visit.findings or "").strip()
    if not text:
        raise CareError(_("Say what is needed."))
    if kind == "case":
        if visit.case_id:
            raise CareError(_("A case was already filed from this visit."))
        if category is None:
            raise CareError(_("Choose the category of the problem."))
        household = recipient.person.household
        try:
            case = file_case(category=category, channel=Channel.PATROL, description=text[:2000], reporter=user,
                             area=recipient.area, address=str(household) if household else "",
                             channel_ref=f"care-visit:{visit.pk}")
        except CaseError as exc:
            raise CareError(exc.messages[0]) from None
        visit.case = case
        visit.save(update_fields=["case"])
        return case
    if kind == "errand":
        if visit.errands.exists():
            raise CareError(_("An errand was already logged from this visit."))
        return errands.create_errand(user, recipient.person, kind=errand_kind, description=text[:300], visit=visit)
    if kind == "wish":
        if visit.wish_id:
            raise CareError(_("A micro-wish was already posted from this visit."))
        from linli.volunteering.wishes import WishError, post_wish

        try:
            wish = post_wish(user, title=text[:60], description=text[:1000], wisher=recipient.person,
                             area=recipient.area)
        except WishError as exc:
            raise CareError(exc.messages[0]) from None
        visit.wish = wish
        visit.save(update_fields=["wish"])
        return wish
    raise CareError(_("Choose a case, an errand or a micro-wish."))
