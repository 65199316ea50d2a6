"""Who may do what: which of the workflow's actors a user is for one case, who takes intake where,
where anonymous reports are allowed, and whether a case may be rated."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linli.core import roles
from linli.core.models import UserLike
from linli.core.scope import Scope, scope_for
from linli.places.models import Area, AreaLevel

from .models import Case, CaseEvent, HandlerLevel, StreetCaseSettings
from .workflow import RATEABLE, Actor, AtMeeting, Transition, allowed_from

DISPATCH_ROLES = {roles.COMMUNITY_STAFF, roles.STREET_STAFF, roles.DISTRICT_ADMIN}
SUPERVISE_ROLES = {roles.STREET_STAFF, roles.DISTRICT_ADMIN}
VERIFY_ROLES = {roles.GRID_WORKER, roles.COMMUNITY_STAFF}
INTAKE_ROLES = {roles.GRID_WORKER, roles.PART_TIME_GRID_MEMBER, roles.COMMUNITY_STAFF, roles.STREET_STAFF,
                roles.DISTRICT_ADMIN, roles.HOTLINE_DUTY}


def _covers(scope: Scope, code: str | None, roles: set[str]) -> bool:
    if not code:
        return False
    if scope.everything:
        return True
    return bool(scope.roles & roles) and scope.covers_code(code)


def actors_for(user: UserLike, case: Case, meeting: AtMeeting | None = None) -> set[str]:
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
    elif case.handler_area is not None and _covers(
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


def available_actions(user: UserLike, case: Case) -> list[Transition]:
    actors = actors_for(user, case)
    return [t for t in allowed_from(case.status) if actors & set(t.actors)]


def can_rate(case: Case) -> bool:
    """Resolved (or later) and not yet rated since the last resolution."""
    if case.status not in RATEABLE:
        return False
    timeline = getattr(case, "timeline", None)
    if timeline is None:
        timeline = list(case.events.filter(action__in=["rate", "resolve"]).order_by("at", "id"))
    last = next((e.action for e in reversed(timeline) if e.action in ("rate", "resolve")), None)
    return last != "rate"


# --- Who may report where ---------------------------------------------------------------------------

def can_take_intake(user: UserLike) -> bool:
    """Staff, grid workers and hotline operators take reports from the other channels."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & INTAKE_ROLES)


def intake_area_codes(user: UserLike) -> tuple[str, ...] | None:
    """Area codes a staff user may file cases in (``None``: everywhere)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    from linli.people.models import RoleAssignment

    hotline = RoleAssignment.objects.current().filter(
        person_id=scope.person_id, role=roles.HOTLINE_DUTY, area__isnull=False).values_list("area__code", flat=True)
    return tuple(sorted(set(scope.area_codes) | set(hotline)))


def intake_areas(user: UserLike) -> QuerySet[Area]:
    """Grids and communities a staff user may choose (a range query per unit of scope)."""
    qs = Area.objects.filter(level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY]).select_related("parent")
    codes = intake_area_codes(user)
    if codes is None:
        return qs
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(pk__in=Area.objects.under(code).values("pk"))
    return qs.filter(q)


def anonymous_streets() -> QuerySet[Area]:
    """Streets that take anonymous reports."""
    return Area.objects.filter(level=AreaLevel.STREET, case_settings__allow_anonymous=True)


def anonymous_allowed(street: Area | None) -> bool:
    return street is not None and StreetCaseSettings.objects.filter(street=street, allow_anonymous=True).exists()
