"""Volunteer teams: joining is a request that a leader (or staff over the team's host unit) approves or
declines; a member may leave."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Person

from .access import may_manage_team
from .activities import ActivityError
from .models import Team, TeamMembership


def request_to_join(team: Team, person: Person) -> TeamMembership:
    if not team.active:
        raise ActivityError(_("This team does not take new members."))
    existing = TeamMembership.objects.filter(team=team, person=person, status__in=[
        TeamMembership.Status.REQUESTED, TeamMembership.Status.MEMBER]).first()
    if existing:
        if existing.status == TeamMembership.Status.MEMBER:
            raise ActivityError(_("You are already a member of this team."))
        raise ActivityError(_("Your request is already waiting for the leader."))
    try:
        with transaction.atomic():
            return TeamMembership.objects.create(team=team, person=person)
    except IntegrityError:
        raise ActivityError(_("Your request is already waiting for the leader.")) from None


def decide_membership(membership: TeamMembership, user, *, approve: bool) -> TeamMembership:
    if not may_manage_team(user, membership.team):
        raise ActivityError(_("Only the team's leaders can decide on requests."))
    if membership.status != TeamMembership.Status.REQUESTED:
        raise ActivityError(_("This request has already been decided."))
    membership.status = TeamMembership.Status.MEMBER if approve else TeamMembership.Status.DECLINED
    membership.decided_at, membership.decided_by = timezone.now(), user
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    return membership


def leave_team(team: Team, person: Person) -> TeamMembership:
    membership = TeamMembership.objects.filter(team=team, person=person, status__in=[
        TeamMembership.Status.REQUESTED, TeamMembership.Status.MEMBER]).first()
    if membership is None:
        raise ActivityError(_("You are not a member of this team."))
    membership.status, membership.left_at = TeamMembership.Status.LEFT, timezone.now()
    membership.is_leader = False
    membership.save(update_fields=["status", "left_at", "is_leader"])
    return membership
