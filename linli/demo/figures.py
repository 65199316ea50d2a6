"""The article's figures, each read back from the database by one query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from linli.cases.models import Case, Channel, Status
from linli.people.models import RESERVE_STAGES, PartyRecord, PartyStage, Person, Role, RoleAssignment, WorkerProfile
from linli.places.models import (
    Area,
    Building,
    BuildingUnit,
    Department,
    DepartmentKind,
    Household,
    PartnerKind,
    PartnerUnit,
    PartyOrg,
    PartyOrgKind,
)

from .cases import FENGSI, JOINT_CONFERENCE, ROUNDTABLE, ZOUMA_COLLECTED
from .people import RIDER_TEAM, ZOUMA_TEAM


def _code(name: str) -> str:
    return Area.objects.get(name=name).code


def _under(field: str, code: str) -> Q:
    return Q(**{f"{field}__code__startswith": code})


def elderly_cutoff(today: dt.date | None = None) -> dt.date:
    """People born on or before this date are 60 or older."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - 60)
    except ValueError:
        return today.replace(year=today.year - 60, day=28)


def headline_figures() -> list[tuple[str, str]]:
    """(label, value) pairs, in the article's order, computed by queries."""
    zouma, xxx, xhj = _code("走马梁社区"), _code("下新新社区"), _code("新河街网格")
    lzw = _code("龙洲湾街道")
    xhj_people = Person.objects.filter(household__grid__code=xhj)
    n_xhj = xhj_people.count()
    old = xhj_people.filter(birth_date__lte=elderly_cutoff()).count()
    workers = WorkerProfile.objects.filter(_under("person__area", lzw))
    roles = RoleAssignment.objects.current()
    reserve = PartyRecord.objects.filter(stage__in=RESERVE_STAGES, person__worker__isnull=False)
    posts = Department.objects.filter(kind=DepartmentKind.STREET_POST, area__code=lzw)
    zouma_grids = Area.objects.filter(parent__code=zouma).count()
    zouma_branches = PartyOrg.objects.filter(kind=PartyOrgKind.GRID_BRANCH, area__parent__code=zouma).count()
    xhj_branch = PartyRecord.objects.filter(org__kind=PartyOrgKind.GRID_BRANCH, org__area__code=xhj)
    xhj_homes = Household.objects.filter(grid__code=xhj, members__isnull=False).distinct()
    n = lambda qs: str(qs.count())  # noqa: E731
    return [
        ("龙洲湾：新就业群体（名）", n(workers)),
        ("  其中党员（名）", n(workers.filter(person__party__stage=PartyStage.MEMBER))),
        ("  “先锋骑士”志愿服务队（名）", n(roles.filter(role=Role.VOLUNTEER, note=RIDER_TEAM))),
        ("  积分制度建档骑士（名）", n(workers.filter(in_points_scheme=True))),
        ("  兼职网格员（名）", n(roles.filter(role=Role.PART_TIME_GRID_MEMBER, person__worker__isnull=False))),
        ("  资助学历提升（名）", n(workers.filter(education_funded=True))),
        ("  职业伤害保障（名）", n(workers.filter(injury_protection=True))),
        ("  发展党员后备力量（名）", n(reserve)),
        ("  联席会议岗位（个）", n(posts)),
        ("  爱心企业、商铺（家）", n(PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP))),
        ("走马二村：楼栋（栋）", n(Building.objects.filter(_under("grid", zouma)))),
        ("  单元（个）", n(BuildingUnit.objects.filter(_under("building__grid", zouma)))),
        ("  住房（套）", n(Household.objects.filter(_under("grid", zouma)))),
        ("  常住人口（人）", n(Person.objects.filter(_under("household__grid", zouma)))),
        ("  网格（个）/网格党支部（个）", f"{zouma_grids} / {zouma_branches}"),
        ("  红色楼栋长（名）", n(roles.filter(_under("area", zouma), role=Role.RED_BUILDING_HEAD))),
        ("  志愿者队伍新加入居民（名）", n(roles.filter(role=Role.VOLUNTEER, note=ZOUMA_TEAM,
                                                 person__party__isnull=True))),
        ("  便民代办员（名）", n(roles.filter(role=Role.ERRAND_AGENT, area__code=zouma))),
        ("下新新社区：网格（个）", n(Area.objects.filter(parent__code=xxx))),
        ("新河街网格：楼栋（栋）", n(Building.objects.filter(grid__code=xhj))),
        ("  户（户）", n(xhj_homes)),
        ("  常住人口（人）", str(n_xhj)),
        ("  60岁以上占比", f"{100 * old / n_xhj:.1f}%" if n_xhj else "-"),
        ("  网格党支部成员（名）", n(xhj_branch)),
        ("  党员楼栋长（名）", n(roles.filter(role=Role.BUILDING_HEAD, area__code=xhj,
                                            person__party__stage=PartyStage.MEMBER))),
        ("  守护楼员（名）", n(roles.filter(role=Role.BUILDING_GUARDIAN, area__code=xhj))),
        *case_figures(),
        *points_figures(),
    ]


def case_figures() -> list[tuple[str, str]]:
    """The article's "problems solved" (closed cases from each meeting or channel), and the demo's case totals."""
    lzw, zouma, xhj = _code("龙洲湾街道"), _code("走马梁社区"), _code("新河街网格")
    cases = Case.objects.filter(street__code__startswith=_code("巴南区"))
    closed = cases.filter(status=Status.CLOSED)
    n = lambda qs: str(qs.count())  # noqa: E731
    meeting = closed.filter(channel=Channel.MEETING)
    return [
        ("龙洲湾：联席会议解决问题（件）", n(meeting.filter(_under("area", lzw), channel_ref=JOINT_CONFERENCE))),
        ("  “小哥圆桌会”解决急难问题（件）", n(meeting.filter(_under("area", lzw), channel_ref=ROUNDTABLE))),
        ("走马二村：楼栋长、党员收集并解决问题（件）", n(closed.filter(_under("area", zouma),
                                                                channel_ref=ZOUMA_COLLECTED))),
        ("新河街网格：“逢四说事”解决问题（件）", n(meeting.filter(area__code=xhj, channel_ref=FENGSI))),
        ("演示案件：近一年受理（件）", n(cases)),
        ("  已结案 / 办理中 / 不予受理（件）", f"{closed.count()} / "
                                          f"{cases.exclude(status__in=[Status.CLOSED, Status.REJECTED]).count()} / "
                                          f"{cases.filter(status=Status.REJECTED).count()}"),
    ]


def points_figures() -> list[tuple[str, str]]:
    """The 先锋骑士 points scheme: sponsors, declared value offered, gifts collected and their points."""
    from django.db.models import Count, F, Sum
    from django.db.models.functions import Coalesce

    from linli.points.models import Account, Redemption, Reward

    lzw = _code("龙洲湾街道")
    offered = Reward.objects.filter(scheme__area__code=lzw).aggregate(
        sponsors=Count("sponsor", distinct=True), fen=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))
    collected = Redemption.objects.filter(reward__scheme__area__code=lzw, status=Redemption.Status.COMPLETED
                                          ).aggregate(n=Count("id"), points=Coalesce(Sum("transfer__amount"), 0))
    accounts = Account.objects.filter(kind="person", person__worker__in_points_scheme=True,
                                      person__area__code__startswith=lzw).count()
    return [
        ("“先锋骑士”积分：爱心商铺（家）", str(offered["sponsors"])),
        ("  捐赠物品和服务申报价值（元）", f"{offered['fen'] // 100:,}"),
        ("  建档骑士积分档案（份）", str(accounts)),
        ("  已兑换礼品和服务（件）", str(collected["n"])),
        ("  兑换积分（分）", str(collected["points"])),
    ]
