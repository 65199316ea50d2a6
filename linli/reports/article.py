"""The article's figures (``../shared/mission/BRIEF.md``), each computed live by one aggregate query.

Every figure names the rows it counts (``rows``: a queryset over the owning app's model), how they are
measured (a count, or a sum of one field) and the area field that limits the rows behind it to a user's
scope.  The named units are those of the article (龙洲湾街道, 走马梁社区, 新河街网格 …); they are looked up
once by name, so the page runs one query for the places and one per figure, whatever the size of the data.
A figure of a part Linli has not built has no ``rows`` and the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.care.models import Errand
from linli.cases.models import Case, Status
from linli.core import roles
from linli.core.scope import Scope
from linli.funds.models import Fund
from linli.funds.services import households_of
from linli.meetings.accountability import held_meetings, solved_items
from linli.people.models import PartyStage, RoleAssignment, WorkerProfile
from linli.places.models import Area, Household, PartnerKind, PartnerUnit, code_range
from linli.points.models import Redemption, Reward
from linli.volunteering.models import Activity, Honour, Pledge, TeamMembership

# The article's units and named bodies (the demo builds them under these names).
LONGZHOUWAN, ZOUMALIANG, XINHEJIE = "龙洲湾街道", "走马梁社区", "新河街网格"
PLACES = (LONGZHOUWAN, ZOUMALIANG, XINHEJIE)
RIDER_TEAM = "先锋骑士志愿服务队"
RED_LANTERN = "红灯笼志愿服务队"
SERVICE_STATION = "下新新社区党群服务站"
FENGSI = "新河街网格“逢四说事”"
ROUNDTABLE = "龙洲湾街道“小哥圆桌会”"
JOINT_CONFERENCE = "龙洲湾街道联席会议"
ZOUMA_COLLECTED = "走马二村楼栋长、党员收集"
FEE_FUND = "新河街自治管理服务费"
MOST_BEAUTIFUL = "最美"

Codes = dict[str, str]


def under(field: str, code: str | None) -> Q:
    """Rows whose ``field`` (an area code) lies under ``code`` (an index range); none if the unit is missing."""
    if code is None:
        return Q(pk__in=[])
    low, high = code_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    quoted: str  # the number as the article prints it
    definition: Promise
    rows: Callable[[Codes], QuerySet] | None = None  # None: the part is not built
    area_field: str = ""  # the rows' area code, to limit the rows behind the figure to a scope
    total: str = ""  # sum of this field instead of a count
    related: tuple[str, ...] = ()  # select_related for listing the rows
    at_least: int | None = None  # the article's figure: the value matches when >= ...
    exactly: int | None = None  # ... or == this

    @property
    def built(self) -> bool:
        return self.rows is not None

    def matches(self, value: int | None) -> bool | None:
        if value is None:
            return None
        return value >= self.at_least if self.at_least is not None else value == self.exactly

    def value(self, codes: Codes) -> int:
        """The figure, one aggregate query."""
        assert self.rows is not None
        qs = self.rows(codes)
        if self.total:
            return qs.aggregate(n=Coalesce(Sum(self.total), 0))["n"]
        return qs.count()

    def rows_for(self, codes: Codes, scope: Scope) -> QuerySet:
        """The rows behind the figure, limited to ``scope``."""
        assert self.rows is not None
        qs = self.rows(codes).select_related(*self.related)
        return qs if scope.everything else qs.filter(scope.area_q(self.area_field))


def _workers(c: Codes) -> QuerySet:
    return WorkerProfile.objects.filter(under("person__area__code", c.get(LONGZHOUWAN)))


def _members(team: str) -> Callable[[Codes], QuerySet]:
    return lambda c: TeamMembership.objects.filter(team__name=team, status=TeamMembership.Status.MEMBER)


def _rewards(c: Codes) -> QuerySet:
    return Reward.objects.filter(scheme__area__code=c.get(LONGZHOUWAN)).annotate(
        offered_fen=F("stock_offered") * F("value_fen"))


def _collected(c: Codes) -> QuerySet:
    return Redemption.objects.filter(reward__scheme__area__code=c.get(LONGZHOUWAN),
                                     status=Redemption.Status.COMPLETED)


def _solved(series: str) -> Callable[[Codes], QuerySet]:
    return lambda c: solved_items().filter(meeting__series__name=series)


def _activities(**lookup) -> Callable[[Codes], QuerySet]:
    return lambda c: Activity.objects.filter(**lookup)


def _fee_households(c: Codes) -> QuerySet:
    fund = Fund.objects.filter(name=FEE_FUND).select_related("area").first()
    return households_of(fund) if fund else Household.objects.none()


LZW_WORKERS = _("New-employment workers (delivery riders, couriers, ride-hailing drivers) registered in 龙洲湾街道.")

FIGURES: list[Figure] = [
    Figure("workers", _("龙洲湾: new-employment workers"), "110+", LZW_WORKERS, _workers, "person__area__code",
           related=("person",), at_least=110),
    Figure("worker_members", _("  of whom party members"), "10+",
           _("Of those workers, the ones whose party record is at the stage of full member."),
           lambda c: _workers(c).filter(person__party__stage=PartyStage.MEMBER), "person__area__code",
           related=("person",), at_least=10),
    Figure("riders", _("先锋骑士 volunteer team"), "60+",
           _("Members (accepted) of the volunteer team 先锋骑士志愿服务队."), _members(RIDER_TEAM), "team__area__code",
           related=("team", "person"), at_least=60),
    Figure("points_riders", _("Riders on file in the points scheme"), "32",
           _("Workers of 龙洲湾街道 marked as taking part in the 先锋骑士 points scheme."),
           lambda c: _workers(c).filter(in_points_scheme=True), "person__area__code", related=("person",),
           exactly=32),
    Figure("sponsors", _("Sponsor shops"), "18",
           _("Partner units of the kind sponsor shop offering at least one reward in the scheme of 龙洲湾街道."),
           lambda c: PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP, rewards__scheme__area__code=c.get(
               LONGZHOUWAN)).distinct(), "area__code", exactly=18),
    Figure("donated_yuan", _("Goods and services donated (yuan)"), "10,000+",
           _("Sum over the scheme's rewards of the stock offered times the declared value of one, in yuan."),
           _rewards, "scheme__area__code", total="offered_fen", related=("sponsor",), at_least=10_000 * 100),
    Figure("exchanges", _("Points exchanged"), "400+",
           _("Points paid for the rewards collected (completed redemptions) in the scheme of 龙洲湾街道."),
           _collected, "reward__scheme__area__code", total="transfer__amount", related=("person", "reward"),
           at_least=400),
    Figure("gifts", _("Gifts and services redeemed"), "22",
           _("Redemptions collected at the sponsor (completed) in the scheme of 龙洲湾街道."), _collected,
           "reward__scheme__area__code", related=("person", "reward"), exactly=22),
    Figure("part_time_grid", _("Part-time grid members among the riders"), "13",
           _("Current part-time grid member roles held by new-employment workers in 龙洲湾街道."),
           lambda c: RoleAssignment.objects.current().filter(
               under("area__code", c.get(LONGZHOUWAN)), role=roles.PART_TIME_GRID_MEMBER,
               person__worker__isnull=False), "area__code", related=("person", "area"), exactly=13),
    Figure("honours", _("District-level 最美 new-employment workers"), "4",
           _("Honours at district level whose title contains 最美."),
           lambda c: Honour.objects.filter(level=Honour.Level.DISTRICT, title__contains=MOST_BEAUTIFUL),
           "person__area__code", related=("person",), exactly=4),
    Figure("zouma_solved", _("走马梁: problems collected and solved"), "116",
           _("Closed cases in 走马梁社区 collected by the building heads and party members "
             "(source 走马二村楼栋长、党员收集)."),
           lambda c: Case.objects.filter(under("area__code", c.get(ZOUMALIANG)), status=Status.CLOSED,
                                         channel_ref=ZOUMA_COLLECTED), "area__code", exactly=116),
    Figure("pledges", _("走马梁: party members' pledges"), "50+", _("Pledges (承诺践诺) recorded in 走马梁社区."),
           lambda c: Pledge.objects.filter(under("area__code", c.get(ZOUMALIANG))), "area__code",
           related=("person",), at_least=50),
    Figure("fengsi_held", _("逢四说事: sessions held"), "8", _("Meetings held of the series 新河街网格“逢四说事”."),
           lambda c: held_meetings().filter(series__name=FENGSI), "area__code", exactly=8),
    Figure("fengsi_solved", _("逢四说事: issues solved"), "36", _(
        "Agenda items of those meetings solved on the spot, or handed to the case loop and closed there."),
           _solved(FENGSI), "meeting__area__code", exactly=36),
    Figure("roundtable", _("小哥圆桌会: urgent problems solved"), "50+",
           _("Items of the held meetings of 龙洲湾街道“小哥圆桌会” solved on the spot or closed in the case loop."),
           _solved(ROUNDTABLE), "meeting__area__code", at_least=50),
    Figure("joint_conference", _("Joint conference: problems solved"), "27",
           _("Items of the held meetings of 龙洲湾街道联席会议 solved on the spot or closed in the case loop."),
           _solved(JOINT_CONFERENCE), "meeting__area__code", exactly=27),
    Figure("joint_measures", _("Joint conference: measures and key tasks"), "12 / 20",
           _("Measures and key tasks adopted by the joint conference: not built (no register of measures).")),
    Figure("station_activities", _("Party-mass service station: activities"), "20",
           _("Activities held at 下新新社区党群服务站."), _activities(place=SERVICE_STATION), "area__code",
           exactly=20),
    Figure("station_person_times", _("  person-times"), "1,000+",
           _("Sum of the participants recorded for those activities."), _activities(place=SERVICE_STATION),
           "area__code", total="participants", at_least=1000),
    Figure("lantern_sessions", _("红灯笼 volunteers: sessions"), "20",
           _("Activities of the 红灯笼 volunteer teams (talks, shows, visits)."),
           _activities(team__name__startswith=RED_LANTERN), "area__code", exactly=20),
    Figure("lantern_person_times", _("  person-times"), "2,000",
           _("Sum of the participants recorded for those activities."),
           _activities(team__name__startswith=RED_LANTERN), "area__code", total="participants", exactly=2000),
    Figure("lantern_suggestions", _("红灯笼 volunteers: suggestions"), "10",
           _("Suggestions gathered by the 红灯笼 volunteers: not built (no suggestion register).")),
    Figure("opinion_drives", _("下新新: opinion drives"), "5",
           _("Opinion drives (surveys) of 下新新社区: not built (no survey part yet).")),
    Figure("errands", _("走马梁: errands done"), "30+",
           _("Errands in 走马梁社区 done by an errand agent (done or confirmed)."),
           lambda c: Errand.objects.filter(under("area__code", c.get(ZOUMALIANG)),
                                           status__in=[Errand.Status.DONE, Errand.Status.CONFIRMED]), "area__code",
           related=("person",), at_least=30),
    Figure("fee_households", _("新河街: households owing the self-management fee"), "380",
           _("Households under the area of the fund 新河街自治管理服务费 (10 yuan per household per month)."),
           _fee_households, "grid__code", related=("unit__building",), exactly=380),
]
BY_KEY = {f.key: f for f in FIGURES}


def place_codes() -> Codes:
    """The article's units by name (one query)."""
    return dict(Area.objects.filter(name__in=PLACES).values_list("name", "code"))


@dataclass(frozen=True)
class Row:
    figure: Figure
    value: int | None

    @property
    def shown(self) -> str:
        if self.value is None:
            return ""
        if self.figure.key == "donated_yuan":
            return f"{self.value // 100:,}"
        return f"{self.value:,}"

    @property
    def matches(self) -> bool | None:
        return self.figure.matches(self.value)


def article_figures() -> list[Row]:
    """Every figure, computed now (a figure of a part not built has no value)."""
    codes = place_codes()
    return [Row(f, f.value(codes) if f.built else None) for f in FIGURES]
