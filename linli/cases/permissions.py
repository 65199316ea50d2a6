"""Which of the workflow's actors a user is, for one case."""

from __future__ import annotations

from linli.core import roles
from linli.core.scope import Scope, scope_for

from .models import Case, CaseEvent, HandlerLevel
from .workflow import Actor, AtMeeting, Transition, allowed_from

DISPATCH_ROLES = {roles.COMMUNITY_STAFF, roles.STREET_STAFF, roles.DISTRICT_ADMIN}
SUPERVISE_ROLES = {roles.STREET_STAFF, roles.DISTRICT_ADMIN}
VERIFY_ROLES = {roles.GRID_WORKER, roles.COMMUNITY_STAFF}


def _covers(scope: Scope, code: str | None, roles: set[str]) -> bool:
    if not code:
        return False
    if scope.everything:
        return True
    return bool(scope.roles & roles) and scope.covers_code(code)


def actors_for(user, case: Case, meeting: AtMeeting | None = None) -> set[str]:
    """The actors ``user`` is for ``case`` (the meeting host only at a ``meeting`` whose unit covers it)."""
    scope = scope_for(user)
    actors: set[str] = set()
    area_code = case.area.code
    if _covers(scope, area_code, DISPATCH_ROLES):
        actors.add(Actor.DISPATCHER)
    if _covers(scope, area_code, SUPERVISE_ROLES):
        actors.add(Actor.SUPERVISOR)
    if case.level == HandlerLevel.DEPARTMENT:
        if case.handler_department_id in scope.department_ids or scope.everything:
            actors.add(Actor.HANDLER)
    elif case.handler_area_id and _covers(
        scope, case.handler_area.code,
        {roles.GRID_WORKER, roles.PART_TIME_GRID_MEMBER, roles.COMMUNITY_STAFF, roles.STREET_STAFF,
         roles.DISTRICT_ADMIN},
    ):
        actors.add(Actor.HANDLER)
    if _covers(scope, area_code, VERIFY_ROLES | {roles.STREET_STAFF, roles.DISTRICT_ADMIN}):
        resolver = (CaseEvent.objects.filter(case=case, action="resolve").order_by("-id")
                    .values_list("actor_id", flat=True).first())
        if resolver != user.pk:
            actors.add(Actor.VERIFIER)
            if meeting is not None and area_code.startswith(meeting.area_code):
                actors.add(Actor.MEETING_HOST)
    if case.reporter_id and case.reporter_id == user.pk:
        actors.add(Actor.REPORTER)
    return actors


def available_actions(user, case: Case) -> list[Transition]:
    actors = actors_for(user, case)
    return [t for t in allowed_from(case.status) if actors & set(t.actors)]
