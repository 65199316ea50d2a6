"""Earning rules: when and how many points a person earns, called by the apps where the deed happens.

Every award is a ledger transfer from the scheme's issuance account with a stable idempotency key, so
calling a rule twice for the same deed records it once.  The scheme is the active ``Scheme`` whose host
unit (``Scheme.area``) covers the place of the deed (area code prefix; the most specific one wins).
Only people in the points scheme earn: those with a points account, or a worker profile marked
``in_points_scheme``.  Each function returns the transfer, or ``None`` when nothing is due.

For the other apps (call them inside your own transaction, after the deed is final):

``award_verified_case(case) -> Transfer | None``
    Key ``case:<number>``.  Points to the reporter's person, only once the case has a "verify" event.
    Called by the cases app after every verification through the hook ``on_case_verified``, named in
    the setting ``LINLI_CASE_HOOKS`` (see ``linli.cases.hooks``).

``award_service_hours(record, *, person=None, hours=None, area=None, user=None) -> Transfer | None``
    Key ``service:<record.pk>``.  ``scheme.points_per_hour`` × confirmed hours (rounded down to whole
    points).  Reads the volunteer (``record.volunteer`` or ``record.person``), the confirmed time
    (``record.hours`` if the record has it, else ``record.minutes``) and the place (``record.area``, else
    ``record.activity.area``) unless given.  Call it again after the organiser corrects the hours:
    the earlier award is reversed and the new amount recorded under ``service:<pk>:r<n>``.

``award_wish(wish, *, person=None, area=None, user=None) -> Transfer | None``
    Key ``wish:<wish.pk>``.  ``scheme.points_per_wish`` to the person who fulfilled it (``wish.fulfiller``
    or ``wish.claimed_by``, a Person, unless given; a partner unit earns nothing), in the scheme covering
    ``wish.area``.

``award_meeting(attendance, *, person=None, area=None, user=None) -> Transfer | None``
    Key ``meeting:<attendance.pk>``.  ``scheme.points_per_meeting`` to ``attendance.person`` for the
    meeting ``attendance.meeting`` held in ``attendance.meeting.area`` (unless given).

``award_by_hand(user, person, amount, *, reason, request_key) -> Transfer``
    A leader's manual award (community/street staff whose scope covers the person), within the
    scheme's daily cap per person (``ledger.manual_award``).  Raises ``LedgerError`` with a Chinese
    message, or ``Http404`` when the user may not award this person.
"""

from __future__ import annotations

import logging
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from linli.core.codes import ancestor_codes
from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area

from . import ledger
from .models import Account, Scheme, Transfer

if TYPE_CHECKING:
    from linli.cases.models import Case
    from linli.core.models import User, UserLike

log = logging.getLogger(__name__)

def scheme_for_code(code: str) -> Scheme | None:
    """The active scheme hosted by the most specific unit covering this area code (one query)."""
    prefixes = ancestor_codes(code)
    return (Scheme.objects.filter(active=True, area__code__in=prefixes).select_related("area")
            .order_by("-area__code", "id").first())


def scheme_for_area(area: Area | None) -> Scheme | None:
    return scheme_for_code(area.code) if area is not None else None


def in_points_scheme(person: Person) -> bool:
    """A member of the points scheme: holds a points account, or is on file (``in_points_scheme``)."""
    return (Account.objects.filter(person=person).exists()
            or Person.objects.filter(pk=person.pk, worker__in_points_scheme=True).exists())


def _award(scheme: Scheme | None, person: Person | None, amount: int, *, key: str, source: str,
           source_ref: str, reason: str, user: User | None = None) -> Transfer | None:
    if scheme is None or person is None or amount <= 0 or not in_points_scheme(person):
        return None
    return ledger.earn(scheme, person, amount, key=key, source=source, source_ref=source_ref[:50],
                       reason=reason, user=user)


def _award_revisable(scheme: Scheme | None, person: Person | None, amount: int, *, key: str, source: str,
                     source_ref: str, reason: str, user: User | None = None) -> Transfer | None:
    """Award under ``key``; if an earlier award for the same deed has another amount, reverse it first."""
    live = (Transfer.objects.filter(Q(key=key) | Q(key__startswith=f"{key}:r"), reversed_by__isnull=True)
            .order_by("-id").first())
    if live is None:
        return _award(scheme, person, amount, key=key, source=source, source_ref=source_ref, reason=reason,
                      user=user)
    if live.amount == amount:
        return live
    with transaction.atomic():
        ledger.reverse(live, reason=_("Service hours corrected"), user=user)
        revisions = Transfer.objects.filter(key__startswith=f"{key}:r").count()
        return _award(scheme, person, amount, key=f"{key}:r{revisions + 1}", source=source,
                      source_ref=source_ref, reason=reason, user=user)


# The case steps that verify a case: a verifier's check, or a meeting that closes it on the spot.
VERIFYING_ACTIONS = ("verify", "close_at_meeting")


def award_verified_case(case: Case) -> Transfer | None:
    """Points for reporting a case, once it has been verified or closed at a meeting (never on filing)."""
    if not case.events.filter(action__in=VERIFYING_ACTIONS).exists():
        return None
    reporter = case.reporter
    person = getattr(reporter, "person", None) if reporter is not None else None
    scheme = scheme_for_area(case.area)
    if scheme is None:
        return None
    return _award(scheme, person, scheme.points_per_verified_case, key=f"case:{case.number}",
                  source=Transfer.Source.CASE, source_ref=case.number,
                  reason=_("Reported case %(number)s, verified") % {"number": case.number})


def _minutes_of(record: Any, hours: Decimal | float | None) -> int:
    """Service time in whole minutes: ``hours`` if given, else ``record.hours`` or ``record.minutes``."""
    if hours is None:
        hours = getattr(record, "hours", None)
    if hours is None:
        return int(getattr(record, "minutes", 0) or 0)
    return int((Decimal(str(hours)) * 60).quantize(Decimal(1), rounding=ROUND_DOWN))


# The deeds of other apps (service records, wishes, attendances) are read by duck typing: points sits below
# those apps and never imports them, so they are typed ``Any``.
def award_service_hours(record: Any, *, person: Person | None = None, hours: Decimal | float | None = None,
                        area: Area | None = None, user: User | None = None) -> Transfer | None:
    """Points for a confirmed volunteer-service record (hours × the scheme's points per hour, rounded down)."""
    person = person or getattr(record, "person", None) or getattr(record, "volunteer", None)
    minutes = _minutes_of(record, hours)
    if area is None:
        area = getattr(record, "area", None) or getattr(getattr(record, "activity", None), "area", None)
    scheme = scheme_for_area(area)
    if scheme is None:
        return None
    amount = minutes * scheme.points_per_hour // 60
    return _award_revisable(scheme, person, amount, key=f"service:{record.pk}", source=Transfer.Source.SERVICE,
                            source_ref=str(record.pk), user=user,
                            reason=_("Volunteer service, %(hours)s hours") % {"hours": f"{minutes / 60:g}"})


def award_wish(wish: Any, *, person: Person | None = None, area: Area | None = None,
               user: User | None = None) -> Transfer | None:
    """Points to whoever fulfilled a micro-wish."""
    person = person or getattr(wish, "fulfiller", None) or getattr(wish, "claimed_by", None)
    scheme = scheme_for_area(area or wish.area)
    if scheme is None:
        return None
    title = str(getattr(wish, "title", "") or "")
    return _award(scheme, person, scheme.points_per_wish, key=f"wish:{wish.pk}", source=Transfer.Source.WISH,
                  source_ref=str(wish.pk), user=user,
                  reason=_("Micro-wish fulfilled: %(title)s") % {"title": title[:80]} if title
                  else _("Micro-wish fulfilled"))


def award_meeting(attendance: Any, *, person: Person | None = None, area: Area | None = None,
                  user: User | None = None) -> Transfer | None:
    """Points for attending a deliberation meeting."""
    person = person or attendance.person
    meeting = getattr(attendance, "meeting", None)
    scheme = scheme_for_area(area or getattr(meeting, "area", None))
    if scheme is None:
        return None
    title = str(getattr(meeting, "title", "") or "")
    return _award(scheme, person, scheme.points_per_meeting, key=f"meeting:{attendance.pk}",
                  source=Transfer.Source.MEETING, source_ref=str(getattr(meeting, "pk", "") or attendance.pk),
                  user=user, reason=_("Attended meeting: %(title)s") % {"title": title[:80]} if title
                  else _("Attended a meeting"))


# ---- leaders -------------------------------------------------------------------------------------------

def is_leader(user: UserLike) -> bool:
    """Community or street staff (or the district): may award by hand and correct movements."""
    return scope_for(user).is_staff


def led_person_or_404(user: UserLike, person_id: int) -> Person:
    """A person a leader may award or correct: within the leader's scope (oneself excluded)."""
    scope = scope_for(user)
    if not scope.is_staff:
        raise Http404
    person = scoped(Person.objects.select_related("area"), user).filter(pk=person_id).first()
    if person is None or person.pk == scope.person_id or not scope.covers_code(person.area.code):
        raise Http404
    return person


def award_by_hand(user: User, person: Person, amount: int, *, reason: str, request_key: str) -> Transfer:
    """A leader's award with a reason, in the scheme covering the person's area, within the daily cap."""
    led_person_or_404(user, person.pk)
    scheme = scheme_for_area(person.area)
    if scheme is None:
        raise ledger.LedgerError(_("No points scheme covers this person's area."))
    if not in_points_scheme(person):
        raise ledger.LedgerError(_("This person is not in the points scheme."))
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ledger.LedgerError(_("Please keep the reason under 200 characters."))
    return ledger.manual_award(scheme, person, amount, reason=reason, user=user,
                               key=f"manual:{user.pk}:{request_key}"[:100])


# ---- hook called by the cases app ------------------------------------------------------------------------

def on_case_verified(case: Case, event: object) -> None:
    """``LINLI_CASE_HOOKS["verify"]`` and ``["close_at_meeting"]``: a verified case earns its reporter points.

    Runs in the verification's transaction, inside a savepoint: if the award is refused, the case is
    still verified (the refusal is logged) and can be awarded again later (the key keeps it to once).
    """
    try:
        with transaction.atomic():
            award_verified_case(case)
    except ledger.LedgerError as exc:
        log.warning("points for case %s not awarded: %s", case.pk, exc)
