"""Who may see and do what in volunteering: the rows a user may browse (their scope, plus the teams and
activities hosted in their own street), who manages a team, organises an activity or decides on a record.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linli.core.scope import scope_for, scoped
from linli.places.models import code_range

from .models import Activity, RecordCorrection, ServiceRecord, Team, TeamMembership


def neighbourhood_q(code_field: str, user) -> Q:
    """Rows hosted in the user's own street (or by their district): what a resident may browse and join."""
    person = getattr(user, "person", None)
    area = getattr(person, "area", None)
    if area is None:
        return Q(pk__in=[])
    low, high = code_range(area.code[:9])
    return Q(**{f"{code_field}__gte": low, f"{code_field}__lt": high}) | Q(**{code_field: area.code[:6]})


def visible(qs: QuerySet, user, code_field: str = "area__code") -> QuerySet:
    """Rows in the user's scope, plus those hosted in their neighbourhood (teams and activities to join)."""
    scope = scope_for(user)
    if scope.everything:
        return qs
    return qs.filter(qs.model.scope_q(scope) | neighbourhood_q(code_field, user))


def covers(user, area) -> bool:
    """True if ``user`` is staff (community, street, district) over ``area``."""
    scope = scope_for(user)
    return scope.everything or (scope.is_staff and scope.covers_code(area.code))


def is_team_leader(user, team: Team) -> bool:
    if not getattr(user, "person_id", None):
        return False
    return TeamMembership.objects.filter(team=team, person_id=user.person_id, is_leader=True,
                                         status=TeamMembership.Status.MEMBER).exists()


def may_manage_team(user, team: Team) -> bool:
    return covers(user, team.area) or is_team_leader(user, team)


def may_organise(user, activity: Activity) -> bool:
    """The organiser, the organising team's leaders, whoever created it, and staff over its host unit."""
    if covers(user, activity.area):
        return True
    person_id = getattr(user, "person_id", None)
    if person_id and person_id == activity.organiser_id:
        return True
    if activity.created_by_id and activity.created_by_id == user.pk:
        return True
    team = activity.team if activity.team_id else None
    return team is not None and is_team_leader(user, team)


def may_create_activity(user) -> bool:
    scope = scope_for(user)
    if scope.is_staff:
        return True
    return bool(user.person_id) and TeamMembership.objects.filter(
        person_id=user.person_id, is_leader=True, status=TeamMembership.Status.MEMBER).exists()


def may_decide_record(user, record: ServiceRecord) -> bool:
    activity = record.activity if record.activity_id else None
    if activity is not None:
        return may_organise(user, activity)
    return covers(user, record.area)


def visible_activities(user) -> QuerySet:
    return visible(Activity.objects.all(), user)


def visible_teams(user) -> QuerySet:
    return visible(Team.objects.all(), user)


def records_in_scope(user) -> QuerySet:
    return scoped(ServiceRecord.objects.all(), user)


def organised_q(user, prefix: str = "") -> Q:
    """Records (``prefix`` to reach the record) of activities the user organises, created or leads the team of."""
    q = Q(**{f"{prefix}activity__created_by_id": user.pk})
    if getattr(user, "person_id", None):
        led = TeamMembership.objects.filter(person_id=user.person_id, is_leader=True,
                                            status=TeamMembership.Status.MEMBER).values("team_id")
        q |= Q(**{f"{prefix}activity__organiser_id": user.person_id}) | Q(**{f"{prefix}activity__team_id__in": led})
    return q


def records_visible(user) -> QuerySet:
    """Records in scope, plus those of the activities the user organises (to confirm and correct them)."""
    scope = scope_for(user)
    qs = ServiceRecord.objects.all()
    if scope.everything:
        return qs
    return qs.filter(ServiceRecord.scope_q(scope) | organised_q(user))


def corrections_visible(user) -> QuerySet:
    scope = scope_for(user)
    qs = RecordCorrection.objects.all()
    if scope.everything:
        return qs
    return qs.filter(RecordCorrection.scope_q(scope) | organised_q(user, "record__"))
