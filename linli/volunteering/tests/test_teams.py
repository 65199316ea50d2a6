"""Teams: joining needs the leader's approval; leaving; who sees what."""

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.volunteering import teams
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Team, TeamMembership

from . import activities_support

vol = activities_support.vol  # the fixture


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_joining_is_a_request_until_the_leader_approves(client, vol):
    _login(client, vol.v1)
    client.post(reverse("volunteering:team_join", args=[vol.team.pk]))
    m = TeamMembership.objects.get(person=vol.v1.person)
    assert m.status == TeamMembership.Status.REQUESTED
    client.logout()
    _login(client, vol.leader)
    page = client.get(reverse("volunteering:team_detail", args=[vol.team.pk])).content.decode()
    assert vol.v1.person.name in page
    client.post(reverse("volunteering:team_decide", args=[vol.team.pk, m.pk]), {"decision": "approve"})
    m.refresh_from_db()
    assert m.status == TeamMembership.Status.MEMBER and m.decided_by == vol.leader


def test_leader_can_decline_and_the_person_may_ask_again(vol):
    m = teams.request_to_join(vol.team, vol.v1.person)
    teams.decide_membership(m, vol.leader, approve=False)
    assert TeamMembership.objects.get(pk=m.pk).status == TeamMembership.Status.DECLINED
    again = teams.request_to_join(vol.team, vol.v1.person)
    assert again.pk != m.pk  # the declined request stays in the history


def test_asking_twice_or_as_a_member_is_refused(vol):
    teams.request_to_join(vol.team, vol.v1.person)
    with pytest.raises(ActivityError):
        teams.request_to_join(vol.team, vol.v1.person)
    with pytest.raises(ActivityError):
        teams.request_to_join(vol.team, vol.leader.person)


def test_a_member_cannot_approve_requests(client, vol):
    member = TeamMembership.objects.create(team=vol.team, person=vol.v2.person, status="member")
    m = teams.request_to_join(vol.team, vol.v1.person)
    with pytest.raises(ActivityError):
        teams.decide_membership(m, vol.v2, approve=True)
    _login(client, vol.v2)
    response = client.post(reverse("volunteering:team_decide", args=[vol.team.pk, m.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert TeamMembership.objects.get(pk=m.pk).status == TeamMembership.Status.REQUESTED
    assert member.status == "member"


def test_community_staff_can_approve_for_a_team_they_host(vol):
    m = teams.request_to_join(vol.team, vol.v1.person)
    teams.decide_membership(m, vol.staff, approve=True)
    assert TeamMembership.objects.get(pk=m.pk).status == TeamMembership.Status.MEMBER


def test_leaving_keeps_the_history(client, vol):
    TeamMembership.objects.create(team=vol.team, person=vol.v1.person, status="member")
    _login(client, vol.v1)
    client.post(reverse("volunteering:team_leave", args=[vol.team.pk]))
    m = TeamMembership.objects.get(person=vol.v1.person)
    assert m.status == TeamMembership.Status.LEFT and m.left_at is not None


def test_teams_of_another_street_are_not_found(client, vol):
    other = Team.objects.create(name="乙街道红灯笼", area=vol.tree.comm_b1)
    _login(client, vol.v1)
    assert client.get(reverse("volunteering:team_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("volunteering:team_join", args=[other.pk])).status_code == 404
    listing = client.get(reverse("volunteering:team_list")).content.decode()
    assert vol.team.name in listing and other.name not in listing
    client.logout()
    _login(client, vol.outsider)
    assert client.get(reverse("volunteering:team_detail", args=[vol.team.pk])).status_code == 404


def test_member_names_are_shown_to_members_not_to_neighbours(client, vol):
    _login(client, vol.v1)
    page = client.get(reverse("volunteering:team_detail", args=[vol.team.pk])).content.decode()
    assert vol.leader.person.name not in page


def test_team_list_queries_do_not_grow(client, vol, django_assert_max_num_queries):
    _login(client, vol.v1)
    client.get(reverse("volunteering:team_list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("volunteering:team_list"))
    for i in range(20):
        t = Team.objects.create(name=f"队{i}", area=vol.tree.comm_a1)
        TeamMembership.objects.create(team=t, person=vol.v2.person, status="member")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("volunteering:team_list")).status_code == 200
