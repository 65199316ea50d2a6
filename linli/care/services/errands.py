"""Errands (便民代办): logged → sent to an agent → accepted → done (note, receipt, money) → confirmed.

Money is integer fen.  The agent may be handed an advance; when done they say what was spent and what
change they return, and the two must add up to the advance (more change than the advance minus the
spending is refused, and so is less: no fen goes missing).  When the spending is above the advance, the
agent laid out the difference and returns no change.  Every step is an ``ErrandEvent`` (append-only).
"""

from __future__ import annotations

import contextlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.photos import PhotoError, inspect_upload
from linli.core import roles
from linli.core.money import yuan_cents
from linli.core.scope import scope_for, scoped
from linli.people.models import Person, RoleAssignment

from ..models import MAX_FEN, Errand, ErrandEvent
from .access import CareError, manages

DISPATCHERS = roles.STAFF_ROLES | roles.CARE_ROLES | roles.GRID_ROLES | {roles.HOTLINE_DUTY}


def _event(errand: Errand, action: str, user, note: str = "") -> None:
    ErrandEvent.objects.create(errand=errand, action=action, by=user, at=timezone.now(), note=note[:300])


def may_dispatch(user, area_code: str) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & DISPATCHERS) and (
        scope.covers_code(area_code) or _hotline_covers(user, area_code))


def hotline_codes(user) -> list[str]:
    """Codes of the units the user holds hotline duty in (one query, cached on the user)."""
    cached = getattr(user, "_care_hotline_codes", None)
    if cached is not None:
        return cached
    person_id = getattr(user, "person_id", None)
    codes = list(RoleAssignment.objects.current().filter(person_id=person_id, role=roles.HOTLINE_DUTY,
                                                         area__isnull=False).values_list("area__code", flat=True)
                 ) if person_id else []
    with contextlib.suppress(AttributeError):
        user._care_hotline_codes = codes
    return codes


def _hotline_covers(user, area_code: str) -> bool:
    """Hotline duty is held in a community: the errands of that community (not an area role of the scope)."""
    return any(area_code.startswith(c) for c in hotline_codes(user))


def pick_hotline_person(user, data: dict) -> Person | None:
    """The person chosen on a form (by id or mobile) among the people of the user's hotline communities."""
    codes = hotline_codes(user)
    if not codes or not (data.get("person") or data.get("mobile")):
        return None
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(area__code__gte=code, area__code__lt=str(int(code) + 1).zfill(len(code)))
    people = Person.objects.filter(q).select_related("area")
    if data.get("person"):
        return people.filter(pk=data["person"]).first()
    return people.filter(mobile=data["mobile"]).order_by("pk").first()


def agents_for(area_code: str) -> QuerySet:
    """People holding a current errand-agent role in a unit that covers ``area_code``."""
    prefixes = [area_code[:n] for n in (9, 12, 15) if n <= len(area_code)]
    ids = RoleAssignment.objects.current().filter(role=roles.ERRAND_AGENT, area__code__in=prefixes).values(
        "person_id")
    return Person.objects.filter(pk__in=ids).order_by("name", "pk")


def visible_errands(user) -> QuerySet:
    """Errands in the user's scope, those sent to them or done for them, and those of their hotline's community."""
    qs = scoped(Errand.objects.all(), user)
    codes = hotline_codes(user)
    if not codes:
        return qs
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(area__code__gte=code, area__code__lt=str(int(code) + 1).zfill(len(code)))
    return Errand.objects.filter(Q(pk__in=qs.values("pk")) | q)


def errand_or_404(user, pk: int) -> Errand:
    errand = visible_errands(user).select_related("person__household__unit__building", "agent", "area",
                                                  "visit", "requested_by__person").filter(pk=pk).first()
    if errand is None:
        raise Http404
    return errand


def _money(value, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CareError(_("%(label)s must be a whole number of fen.") % {"label": label})
    if value < 0 or value > MAX_FEN:
        raise CareError(_("%(label)s must be between 0 and 100,000 yuan.") % {"label": label})
    return value


@transaction.atomic
def create_errand(user, person: Person, *, kind: str, description: str, advance_fen: int = 0, visit=None,
                  call=None) -> Errand:
    from .access import may_record_visit

    # From a visit, the visit's carer may log it too (``visits.turn_need``).
    if not (may_dispatch(user, person.area.code) or (visit is not None and may_record_visit(user, visit.recipient))):
        raise CareError(_("Only staff, grid workers, care workers and the hotline can log errands here."))
    if kind not in Errand.Kind.values:
        raise CareError(_("Choose the kind of errand."))
    description = (description or "").strip()
    if not description:
        raise CareError(_("Say what the errand is."))
    if len(description) > 300:
        raise CareError(_("Keep the details under 300 characters."))
    errand = Errand.objects.create(kind=kind, description=description, person=person, area=person.area,
                                   requested_by=user, visit=visit, call=call,
                                   advance_fen=_money(advance_fen, _("The advance")))
    _event(errand, "request", user, description)
    return errand


def _locked(errand: Errand) -> Errand:
    return Errand.objects.select_for_update().select_related("area").get(pk=errand.pk)


def _state(errand: Errand, *allowed: str) -> None:
    if errand.status not in allowed:
        raise CareError(_("This errand is “%(status)s”: it cannot take this step.") % {
            "status": errand.get_status_display()})


@transaction.atomic
def dispatch(user, errand: Errand, agent: Person) -> Errand:
    errand = _locked(errand)
    if not may_dispatch(user, errand.area.code):
        raise CareError(_("Only staff, grid workers, care workers and the hotline can send errands."))
    _state(errand, Errand.Status.REQUESTED, Errand.Status.DISPATCHED)
    if not agents_for(errand.area.code).filter(pk=agent.pk).exists():
        raise CareError(_("%(name)s is not an errand agent of this area.") % {"name": agent.name})
    errand.status, errand.agent, errand.dispatched_at = Errand.Status.DISPATCHED, agent, timezone.now()
    errand.save(update_fields=["status", "agent", "dispatched_at"])
    _event(errand, "dispatch", user, agent.name)
    return errand


def _require_agent(user, errand: Errand) -> None:
    if not errand.agent_id or errand.agent_id != getattr(user, "person_id", None):
        raise CareError(_("Only the agent this errand was sent to can do this."))


@transaction.atomic
def accept(user, errand: Errand) -> Errand:
    errand = _locked(errand)
    _require_agent(user, errand)
    _state(errand, Errand.Status.DISPATCHED)
    errand.status, errand.accepted_at = Errand.Status.ACCEPTED, timezone.now()
    errand.save(update_fields=["status", "accepted_at"])
    _event(errand, "accept", user)
    return errand


@transaction.atomic
def decline(user, errand: Errand, reason: str) -> Errand:
    errand = _locked(errand)
    _require_agent(user, errand)
    _state(errand, Errand.Status.DISPATCHED, Errand.Status.ACCEPTED)
    reason = (reason or "").strip()
    if not reason:
        raise CareError(_("Say why you cannot do it."))
    errand.status, errand.agent, errand.dispatched_at, errand.accepted_at = Errand.Status.REQUESTED, None, None, None
    errand.save(update_fields=["status", "agent", "dispatched_at", "accepted_at"])
    _event(errand, "decline", user, reason)
    return errand


def expected_change(advance_fen: int, spent_fen: int) -> int:
    return max(advance_fen - spent_fen, 0)


@transaction.atomic
def complete(user, errand: Errand, *, note: str, spent_fen: int, change_fen: int, receipt=None) -> Errand:
    """The agent reports the errand done: what was done, money spent and change returned, a receipt photo."""
    errand = _locked(errand)
    _require_agent(user, errand)
    _state(errand, Errand.Status.ACCEPTED)
    note = (note or "").strip()
    if not note:
        raise CareError(_("Say what was done."))
    if len(note) > 300:
        raise CareError(_("Keep the note under 300 characters."))
    spent_fen = _money(spent_fen, _("The money spent"))
    change_fen = _money(change_fen, _("The change"))
    due = expected_change(errand.advance_fen, spent_fen)
    if change_fen > due:
        raise CareError(_("The change cannot be more than the advance minus the money spent: %(due)s yuan.") % {
            "due": yuan_cents(due)})
    if change_fen < due:
        raise CareError(_("The change returned must be %(due)s yuan (advance %(advance)s − spent %(spent)s).") % {
            "due": yuan_cents(due), "advance": yuan_cents(errand.advance_fen), "spent": yuan_cents(spent_fen)})
    if spent_fen and receipt is None:
        raise CareError(_("Add a photo of the receipt."))
    if receipt is not None:
        try:
            checked = inspect_upload(receipt)
        except PhotoError as exc:
            raise CareError(exc.messages[0]) from None
        errand.receipt.save("receipt.jpg", ContentFile(checked.data), save=False)
    now = timezone.now()
    errand.status, errand.done_at, errand.done_note = Errand.Status.DONE, now, note
    errand.spent_fen, errand.change_fen = spent_fen, change_fen
    errand.minutes_to_done = int((now - errand.created_at).total_seconds() // 60)
    errand.save()
    money = f"{_('spent')} {yuan_cents(spent_fen)}，{_('change')} {yuan_cents(change_fen)}"
    _event(errand, "done", user, f"{note}（{money}）")
    return errand


def may_confirm(user, errand: Errand) -> bool:
    return errand.person_id == getattr(user, "person_id", None) or manages(scope_for(user), errand.area.code)


@transaction.atomic
def confirm(user, errand: Errand) -> Errand:
    errand = _locked(errand)
    if not may_confirm(user, errand) or errand.agent_id == getattr(user, "person_id", None):
        raise CareError(_("The person it was done for, or staff over the area, confirm an errand."))
    _state(errand, Errand.Status.DONE)
    errand.status, errand.confirmed_at, errand.confirmed_by = Errand.Status.CONFIRMED, timezone.now(), user
    errand.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    _event(errand, "confirm", user)
    return errand


@transaction.atomic
def cancel(user, errand: Errand, reason: str) -> Errand:
    errand = _locked(errand)
    if not may_dispatch(user, errand.area.code):
        raise CareError(_("Only staff, grid workers, care workers and the hotline can cancel errands."))
    _state(errand, *Errand.OPEN)
    reason = (reason or "").strip()
    if not reason:
        raise CareError(_("Say why the errand is cancelled."))
    errand.status = Errand.Status.CANCELLED
    errand.save(update_fields=["status"])
    _event(errand, "cancel", user, reason)
    return errand


def agent_open(user) -> QuerySet:
    """The agent's phone list: errands sent to them and not yet done, oldest first."""
    person_id = getattr(user, "person_id", None)
    return Errand.objects.filter(agent_id=person_id, status__in=[Errand.Status.DISPATCHED, Errand.Status.ACCEPTED]
                                 ).select_related("person__household__unit__building", "area")
