"""Fixtures for the volunteering-activities tests (imported by those test modules)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image

from linli.people.models import PartyRecord, PartyStage, RoleAssignment
from linli.points import ledger
from linli.points.models import Scheme
from linli.volunteering.models import Activity, Team, TeamMembership

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)  # a fixed start, so code windows are deterministic
PLACE = (29.4010, 106.5010)


def jpeg_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def make_activity(area, *, starts=None, hours=2, capacity=10, **kw) -> Activity:
    starts = starts or T0
    kw.setdefault("lat", PLACE[0])
    kw.setdefault("lng", PLACE[1])
    return Activity.objects.create(title=kw.pop("title", "清扫楼道"), area=area, place=kw.pop("place", "一网格1栋"),
                                   starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                                   capacity=capacity, **kw)


@pytest.fixture
def vol(tree, make_user):
    """Community A1 staff, a team leader, volunteers in grid g1, outsiders in street B, a scheme, an activity."""
    staff = make_user("staff-a1", "community_staff", tree.comm_a1)
    staff_b = make_user("staff-b", "street_staff", tree.street_b)
    leader = make_user("leader", home=tree.g1)
    v1 = make_user("v1", home=tree.g1)
    v2 = make_user("v2", home=tree.g1)
    v3 = make_user("v3", home=tree.g2)
    outsider = make_user("outsider", home=tree.h1)
    # Distinctive names, so "this name is not on the page" cannot match a random token by chance.
    for user, name in ((staff, "欧阳明远"), (staff_b, "司马晓兰"), (leader, "诸葛文杰"), (v1, "上官雨婷"),
                       (v2, "慕容秋实"), (v3, "东方志强"), (outsider, "皇甫立新")):
        user.person.name = name
        user.person.save()
    scheme = Scheme.objects.create(code="pioneer", name="先锋骑士积分制度", area=tree.street_a, points_per_hour=10,
                                   points_per_wish=8)
    for u in (v1, v2, v3, leader):
        ledger.person_account(u.person)  # in the points scheme
    team = Team.objects.create(name="先锋骑士志愿服务队", kind=Team.Kind.NEW_EMPLOYMENT, area=tree.comm_a1)
    TeamMembership.objects.create(team=team, person=leader.person, status=TeamMembership.Status.MEMBER,
                                  is_leader=True)
    activity = make_activity(tree.comm_a1, team=team, organiser=leader.person, capacity=2)
    return SimpleNamespace(tree=tree, staff=staff, staff_b=staff_b, leader=leader, v1=v1, v2=v2, v3=v3,
                           outsider=outsider, scheme=scheme, team=team, activity=activity)


def party_member(person, on=dt.date(2010, 7, 1)):
    return PartyRecord.objects.create(person=person, stage=PartyStage.MEMBER, member_on=on)


def grant(person, role, area):
    return RoleAssignment.objects.create(person=person, role=role, area=area, starts_on=dt.date(2020, 1, 1))


def now_local():
    return timezone.localtime()
