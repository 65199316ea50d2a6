"""Party members' pledges (承诺践诺) and their dated follow-ups."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.conftest import PASSWORD
from linli.volunteering import honours
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Pledge

from . import activities_support
from .activities_support import party_member

vol = activities_support.vol  # the fixture
DAY = dt.date(2024, 3, 5)


@pytest.fixture
def member(vol):
    party_member(vol.v1.person)
    return vol


def test_pledge_moves_through_its_follow_ups(member):
    p = honours.make_pledge(member.v1, member.v1.person, text="帮助独居老人更换水龙头", pledged_on=DAY)
    honours.follow_up(p, member.v1, date=DAY + dt.timedelta(days=3), note="已买好水龙头", status="in_progress")
    honours.follow_up(p, member.staff, date=DAY + dt.timedelta(days=5), note="已更换", status="fulfilled")
    p.refresh_from_db()
    assert p.status == Pledge.Status.FULFILLED
    assert [f.status for f in p.follow_ups.all()] == ["in_progress", "fulfilled"]
    with pytest.raises(ActivityError):  # fulfilled is final
        honours.follow_up(p, member.staff, date=DAY + dt.timedelta(days=6), note="再改", status="abandoned")


def test_only_party_members_pledge(vol):
    with pytest.raises(ActivityError):
        honours.make_pledge(vol.v1, vol.v1.person, text="我承诺", pledged_on=DAY)


@pytest.mark.parametrize(("date", "status", "note"), [
    (DAY - dt.timedelta(days=1), "in_progress", "早于承诺"),
    (dt.date(2099, 1, 1), "in_progress", "未来"),
    (DAY, "pledged", "回到起点"),
    (DAY, "done", "未知状态"),
    (DAY, "in_progress", "  "),
])
def test_bad_follow_ups_are_refused(member, date, status, note):
    p = honours.make_pledge(member.v1, member.v1.person, text="我承诺", pledged_on=DAY)
    with pytest.raises(ActivityError):
        honours.follow_up(p, member.v1, date=date, note=note, status=status)
    assert not p.follow_ups.exists() and Pledge.objects.get().status == Pledge.Status.PLEDGED


def test_others_cannot_follow_up_or_see_a_pledge(client, member):
    p = honours.make_pledge(member.staff, member.v1.person, text="我承诺", pledged_on=DAY)
    with pytest.raises(ActivityError):
        honours.follow_up(p, member.v2, date=DAY, note="x", status="in_progress")
    for user in ("v2", "outsider", "staff-b"):
        assert client.login(username=user, password=PASSWORD)
        assert client.get(reverse("volunteering:pledge_detail", args=[p.pk])).status_code == 404
        client.logout()


def test_pledge_pages(client, member):
    assert client.login(username="v1", password=PASSWORD)
    response = client.post(reverse("volunteering:pledge_list"),
                           {"text": "<i>每月</i>走访两户", "pledged_on": "2024-03-05"})
    assert response.status_code == 302
    p = Pledge.objects.get()
    page = client.get(response.url).content.decode()
    assert "&lt;i&gt;每月" in page
    today = timezone.localdate().isoformat()
    client.post(response.url, {"date": today, "note": "走访了两户", "status": "in_progress"})
    assert Pledge.objects.get().status == Pledge.Status.IN_PROGRESS
    bad = client.post(response.url, {"date": "yesterday", "note": "x", "status": "fulfilled"})
    assert bad.status_code == 200 and Pledge.objects.get().status == Pledge.Status.IN_PROGRESS
    assert p.follow_ups.count() == 1


def test_pledge_list_is_bounded(client, member, django_assert_max_num_queries):
    assert client.login(username="staff-a1", password=PASSWORD)
    url = reverse("volunteering:pledge_list")
    client.get(url)
    with django_assert_max_num_queries(9):
        client.get(url)
    for i in range(40):
        honours.make_pledge(member.staff, member.v1.person, text=f"承诺{i}", pledged_on=DAY)
    with django_assert_max_num_queries(9):
        first = client.get(url)
    assert len(first.context["items"]) == 30 and first.context["next_url"]
