"""The case state machine, as a table you can read.

Each row: action → (states it may start from, state it leads to, who may do it, what it needs).
``services.transition`` is the only code that changes a case's status; it looks the action up here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status as S


class Actor:
    """Who may take an action on a case (resolved against the case in ``permissions.py``)."""

    DISPATCHER = "dispatcher"      # staff whose scope covers the case: community, street, district
    HANDLER = "handler"            # a member of the unit the case is assigned to
    VERIFIER = "verifier"          # grid worker or community staff of the case's area, not the resolver
    REPORTER = "reporter"          # the person who reported it
    SUPERVISOR = "supervisor"      # street staff or district admin (督办)
    SYSTEM = "system"              # the background worker (deadlines)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None             # None: the status does not change (escalate, supervise, rate)
    actors: tuple[str, ...]
    needs_note: bool = False
    needs_photo: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("accept", _("Accept"), (S.REPORTED,), S.ACCEPTED, (Actor.DISPATCHER,)),
    Transition("reject", _("Reject"), (S.REPORTED,), S.REJECTED, (Actor.DISPATCHER,), needs_note=True),
    Transition("dispatch", _("Dispatch"), (S.ACCEPTED,), S.DISPATCHED, (Actor.DISPATCHER,)),
    Transition("start", _("Start handling"), (S.DISPATCHED,), S.IN_PROGRESS, (Actor.HANDLER,)),
    Transition("resolve", _("Mark resolved"), (S.DISPATCHED, S.IN_PROGRESS), S.RESOLVED, (Actor.HANDLER,),
               needs_note=True, needs_photo=True),
    Transition("escalate", _("Escalate"), (S.DISPATCHED, S.IN_PROGRESS), S.DISPATCHED,
               (Actor.HANDLER, Actor.DISPATCHER, Actor.SYSTEM), needs_note=True),
    Transition("return", _("Return to dispatcher"), (S.DISPATCHED, S.IN_PROGRESS), S.ACCEPTED,
               (Actor.HANDLER,), needs_note=True),
    Transition("verify", _("Verify"), (S.RESOLVED,), S.VERIFIED, (Actor.VERIFIER,)),
    Transition("fail_verification", _("Verification failed"), (S.RESOLVED,), S.IN_PROGRESS, (Actor.VERIFIER,),
               needs_note=True),
    Transition("close", _("Close"), (S.VERIFIED,), S.CLOSED, (Actor.DISPATCHER,)),
    Transition("rate", _("Rate"), (S.RESOLVED, S.VERIFIED, S.CLOSED), None, (Actor.REPORTER,)),
    Transition("supervise", _("Put under supervision"), tuple(s for s in S.values if s not in
               (S.CLOSED, S.REJECTED)), None, (Actor.SUPERVISOR,), needs_note=True),
]}

# A dissatisfied rating reopens the case to the handler.
REOPEN_ON_DISSATISFIED = S.IN_PROGRESS


def allowed_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
