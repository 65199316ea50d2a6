"""Volunteer teams: the list, a team's page, joining, leaving and deciding on requests."""


from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.actions import fail
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links

from .. import access, teams
from ..activities import ActivityError
from ..models import (
    TeamMembership,
)
from .common import _me, _visible_or_404

# --- teams ---------------------------------------------------------------------------------------------------

@login_required
@require_GET
def team_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = access.visible_teams(request.user).filter(active=True).select_related("area").annotate(
        members=Count("memberships", filter=Q(memberships__status=TeamMembership.Status.MEMBER)))
    mine = set()
    if request.user.person_id:
        mine = set(TeamMembership.objects.filter(person_id=request.user.person_id, status__in=[
            TeamMembership.Status.MEMBER, TeamMembership.Status.REQUESTED]).values_list("team_id", flat=True))
    return render(request, "volunteering/team_list.html", {**page_links(qs, request), "mine": mine})


@login_required
@require_GET
def team_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(access.visible_teams(request.user).select_related("area"), pk)
    manage = access.may_manage_team(request.user, team)
    members = list(team.memberships.filter(status=TeamMembership.Status.MEMBER).select_related("person")
                   .order_by("-is_leader", "pk")[:200])
    requests_ = list(team.memberships.filter(status=TeamMembership.Status.REQUESTED).select_related("person")
                     .order_by("pk")[:100]) if manage else []
    own = None
    if request.user.person_id:
        own = team.memberships.filter(person_id=request.user.person_id, status__in=[
            TeamMembership.Status.MEMBER, TeamMembership.Status.REQUESTED]).first()
    upcoming = list(team.activities.filter(ends_at__gte=timezone.now(), cancelled=False).order_by("starts_at")[:10])
    return render(request, "volunteering/team_detail.html", {
        "team": team, "members": members, "requests": requests_, "manage": manage, "own": own,
        "member_count": team.memberships.filter(status=TeamMembership.Status.MEMBER).count(), "upcoming": upcoming})


@login_required
@require_POST
def team_join(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(access.visible_teams(request.user), pk)
    try:
        teams.request_to_join(team, _me(request))
        messages.success(request, _("Your request has been sent to the team's leaders."))
    except ActivityError as exc:
        fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)


@login_required
@require_POST
def team_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(access.visible_teams(request.user), pk)
    try:
        teams.leave_team(team, _me(request))
        messages.success(request, _("You have left the team."))
    except ActivityError as exc:
        fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)


@login_required
@require_POST
def team_decide(request: AuthenticatedRequest, pk: int, membership_id: int) -> HttpResponse:
    team = _visible_or_404(access.visible_teams(request.user), pk)
    membership = team.memberships.filter(pk=membership_id).select_related("team", "person").first()
    if membership is None or not access.may_manage_team(request.user, team):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose approve or decline."))
    else:
        try:
            teams.decide_membership(membership, request.user, approve=decision == "approve")
            messages.success(request, _("%(name)s: %(status)s") % {
                "name": membership.person.name, "status": membership.get_status_display()})
        except ActivityError as exc:
            fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)
