"""The case state machine, as a table you can read.

Each row: action → (states it may start from, state it leads to, who may do it, what it needs, what it
does to the case besides its status).  ``services.transition`` is the only code that changes a case; it
looks the action up here and applies the row with ``apply``, the same pure function the demo's
simulated history uses, so the demo cannot drift from the real loop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Case, Rating
from .models import Status as S


class Actor:
    """Who may take an action on a case (resolved against the case in ``permissions.py``)."""

    DISPATCHER = "dispatcher"      # staff whose scope covers the case: community, street, district
    HANDLER = "handler"            # a member of the unit the case is assigned to
    VERIFIER = "verifier"          # grid worker or community staff of the case's area, not the resolver
    REPORTER = "reporter"          # the person who reported it
    SUPERVISOR = "supervisor"      # street staff or district admin (督办)
    SYSTEM = "system"              # the background worker (deadlines)
    MEETING_HOST = "meeting_host"  # a verifier of the case running a meeting whose unit covers it (``AtMeeting``)


@dataclass(frozen=True)
class AtMeeting:
    """The meeting a step is taken at, as its host describes it (cases cannot import meetings).

    ``area_code`` is the meeting's host unit: only a case under it can be settled there.
    """

    pk: int
    title: str
    area_code: str


@dataclass(frozen=True)
class Effects:
    """What a step does to a case besides its status."""

    stamp: tuple[str, ...] = ()        # times set to the moment of the step
    clear: tuple[str, ...] = ()        # fields emptied
    fill: tuple[str, ...] = ()         # times set to the moment of the step if they are still empty
    flag: tuple[str, ...] = ()         # booleans set
    new_resolve_due: bool = False      # a fresh resolve deadline from the step (dispatch, escalate)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str | None             # None: the status does not change (escalate, supervise, rate)
    actors: tuple[str, ...]
    needs_note: bool = False
    needs_photo: bool = False
    effects: Effects = field(default_factory=Effects)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("accept", _("Accept"), (S.REPORTED,), S.ACCEPTED, (Actor.DISPATCHER,),
               effects=Effects(stamp=("accepted_at",))),
    Transition("reject", _("Reject"), (S.REPORTED,), S.REJECTED, (Actor.DISPATCHER,), needs_note=True,
               effects=Effects(stamp=("closed_at",))),
    Transition("dispatch", _("Dispatch"), (S.ACCEPTED,), S.DISPATCHED, (Actor.DISPATCHER,),
               effects=Effects(new_resolve_due=True)),
    Transition("start", _("Start handling"), (S.DISPATCHED,), S.IN_PROGRESS, (Actor.HANDLER,)),
    Transition("resolve", _("Mark resolved"), (S.DISPATCHED, S.IN_PROGRESS), S.RESOLVED, (Actor.HANDLER,),
               needs_note=True, needs_photo=True, effects=Effects(stamp=("resolved_at",))),
    # The new level gets a fresh resolve deadline; the old one is kept in the event.
    Transition("escalate", _("Escalate"), (S.DISPATCHED, S.IN_PROGRESS), S.DISPATCHED,
               (Actor.HANDLER, Actor.DISPATCHER, Actor.SYSTEM), needs_note=True,
               effects=Effects(flag=("escalated",), new_resolve_due=True)),
    Transition("return", _("Return to dispatcher"), (S.DISPATCHED, S.IN_PROGRESS), S.ACCEPTED,
               (Actor.HANDLER,), needs_note=True, effects=Effects(clear=("handler_area", "handler_department"))),
    Transition("verify", _("Verify"), (S.RESOLVED,), S.VERIFIED, (Actor.VERIFIER,)),
    Transition("fail_verification", _("Verification failed"), (S.RESOLVED,), S.IN_PROGRESS, (Actor.VERIFIER,),
               needs_note=True, effects=Effects(clear=("resolved_at",))),
    Transition("close", _("Close"), (S.VERIFIED,), S.CLOSED, (Actor.DISPATCHER,),
               effects=Effects(stamp=("closed_at",))),
    # Solved on the spot: the meeting's recorded outcome is the resolution, and its host, who must be a
    # verifier of the case (so not its resolver), verifies it in front of the attendees.
    Transition("close_at_meeting", _("Closed at a meeting"), (S.REPORTED, S.ACCEPTED, S.DISPATCHED,
               S.IN_PROGRESS, S.RESOLVED, S.VERIFIED), S.CLOSED, (Actor.MEETING_HOST,), needs_note=True,
               effects=Effects(stamp=("closed_at",), fill=("accepted_at", "resolved_at"))),
    Transition("rate", _("Rate"), (S.RESOLVED, S.VERIFIED, S.CLOSED), None, (Actor.REPORTER,)),
    Transition("supervise", _("Put under supervision"), tuple(s for s in S.values if s not in
               (S.CLOSED, S.REJECTED)), None, (Actor.SUPERVISOR,), needs_note=True,
               effects=Effects(flag=("supervised",))),
]}


@dataclass(frozen=True)
class Reopen:
    """A row for what a rating does: a dissatisfied reporter reopens the case to the handler."""

    rating: str
    target: str
    effects: Effects


REOPEN = Reopen(Rating.DISSATISFIED, S.IN_PROGRESS, Effects(clear=("resolved_at", "closed_at")))
REOPEN_ON_DISSATISFIED = REOPEN.target
RATEABLE = TRANSITIONS["rate"].sources  # a case can be rated once resolved, verified or closed


class Calendar(Protocol):
    def add_days(self, start: dt.datetime, days: int) -> dt.datetime: ...


def _effects(case: Case, effects: Effects, at: dt.datetime, calendar: Calendar) -> None:
    for name in effects.stamp:
        setattr(case, name, at)
    for name in effects.clear:
        setattr(case, name, None)
    for name in effects.fill:
        if getattr(case, name) is None:
            setattr(case, name, at)
    for name in effects.flag:
        setattr(case, name, True)
    if effects.new_resolve_due:
        case.resolve_due = calendar.add_days(at, case.category.resolve_days)


def apply(case: Case, step: Transition, at: dt.datetime, calendar: Calendar, *, rating: str | None = None) -> None:
    """Apply one row of the table to ``case`` in memory (the caller checks, routes and saves): its status,
    times, flags and deadline, and for a rating the rating and a reopening if it is dissatisfied."""
    _effects(case, step.effects, at, calendar)
    if step.target is not None:
        case.status = step.target
    if rating is not None:
        case.rating = rating
        if rating == REOPEN.rating:
            case.status = REOPEN.target
            _effects(case, REOPEN.effects, at, calendar)


def allowed_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
