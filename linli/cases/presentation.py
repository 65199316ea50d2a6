"""How a case is shown, the same on the staff pages, the reporter's pages and the API: the label of each
event, who took a step (names only for those who may see people), and the reporter with a masked number.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.identifiers import mask_mobile
from linli.core.models import User, UserLike

from .models import Case, CaseEvent
from .permissions import actors_for
from .workflow import TRANSITIONS, Actor

# Who may see the people behind a case (names of reporters and residents, the callback number).
STAFF_ACTORS = frozenset({Actor.DISPATCHER, Actor.HANDLER, Actor.VERIFIER, Actor.SUPERVISOR})

# Events that are not steps of the state machine (those are labelled by ``workflow.TRANSITIONS``).
EVENT_LABELS = {
    "report": gettext_lazy("Reported"),
    "support": gettext_lazy("Someone else reported it too"),
    "moderate": gettext_lazy("Moderation"),
    "deadline_near": gettext_lazy("Deadline near"),
    "overdue": gettext_lazy("Overdue"),
}
MODERATION_LABELS = {
    "approve_photo": gettext_lazy("Photo approved for the public page"),
    "hide_photo": gettext_lazy("Photo hidden from the public"),
    "hide_case": gettext_lazy("Case hidden from the public"),
    "show_case": gettext_lazy("Case shown to the public again"),
}


def event_label(action: str) -> str:
    """The label of an event's action in the user's language."""
    step = TRANSITIONS.get(action)
    if step is not None:
        return str(step.label)
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


def sees_people(user: UserLike, case: Case) -> bool:
    """Whether ``user`` handles ``case`` in a role that may see the people behind it."""
    return bool(actors_for(user, case) & STAFF_ACTORS)


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.username


def who(event: CaseEvent, case: Case, user: UserLike, show_people: bool) -> str:
    """Who took the step: staff by name; a reporter or resident by name only to staff and to themselves."""
    if event.actor_id is None:
        return _("Reporter") if event.action == "report" else _("System")
    if event.actor_id == case.reporter_id or event.action == "support":
        if show_people or event.actor_id == user.pk:
            return person_name(event.actor)
        return _("Reporter") if event.actor_id == case.reporter_id else _("Resident")
    return person_name(event.actor)


def reporter_of(case: Case, user: UserLike, show_people: bool) -> dict | None:
    """The reporter's name and masked number, for staff and for the reporter; ``None`` for anyone else."""
    if not (show_people or (case.reporter_id and case.reporter_id == user.pk)):
        return None
    reporter = case.reporter if case.reporter_id else None
    person = reporter.person if reporter is not None else None
    name = (person.name if person else reporter.username) if reporter is not None else case.caller_name
    return {"name": name, "phone": mask_mobile(case.callback_phone or (person.mobile if person else ""))}
