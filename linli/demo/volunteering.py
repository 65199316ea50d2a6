"""Demo volunteering: teams, a year of activities and service records, micro-wishes, honours, pledges.

The article's figures, read back by query (``volunteering_figures``):

- the 先锋骑士 volunteer team of 龙洲湾街道 (60+ riders, led by party members), with monthly study
  sessions (三会一课, theme party days) and service activities;
- 红灯笼: 4 teams of 下新新社区 paired with solitary elderly people: 20 home-visit sessions, 2,000 person-times;
- the party-mass service station (党群服务站) of 下新新社区: 20 activities, 1,000+ person-times;
- the 走马二村 retirees' team (13 residents joined the founders) and its festivals (元宵、三八、端午、冬至);
- micro-wishes in every state, claimed by riders and volunteers;
- the 4 district-level 最美 new-employment workers as ``Honour`` rows (with level, date and citation);
- 50+ party members' pledges (承诺践诺) in 走马梁社区 with dated follow-ups.

Service records are confirmed by the demo staff accounts.  They earn no points here: the points demo
(``points``) already wrote the year's service movements.  Deterministic: one ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q, Sum
from django.utils import timezone

from linli.core.models import User
from linli.people.models import ContributionEntry, PartyRecord, PartyStage, Person, Role, RoleAssignment
from linli.places.models import Area, code_range
from linli.volunteering.models import (
    Activity,
    Honour,
    Pledge,
    PledgeFollowUp,
    ServiceRecord,
    SignUp,
    Team,
    TeamMembership,
    Wish,
)

from .people import RED_LANTERN, RIDER_TEAM, ZOUMA_TEAM

BATCH = 500
HONOUR_TITLE = "巴南区“最美新就业群体”"
HONOUR_ENTRY = "获评区级“最美”新就业群体"
STATION = "下新新社区党群服务站"
LANTERN_SESSIONS, LANTERN_PERSON_TIMES = 20, 2000
STATION_ACTIVITIES, STATION_MIN_PERSON_TIMES = 20, 1000
PLEDGES = 54
TZ = dt.timezone(dt.timedelta(hours=8))

PLEDGE_TEXTS = [
    "帮助独居老人更换水龙头", "每月走访楼栋内两户困难家庭", "清理楼道堆放杂物", "为楼栋老人代交水电费",
    "组织楼栋居民议事一次", "劝导规范停放电动车", "给楼栋装一盏感应灯", "陪同独居老人就医一次",
    "调解邻里漏水纠纷", "宣传防诈骗知识", "修补单元门禁", "开展垃圾分类宣传",
]
WISHES = [
    ("想要一台收音机听戏", "下新新社区"), ("想有人陪着去医院复查", "下新新社区"),
    ("家里灯泡坏了想换一个", "下新新社区"),
    ("想要一副老花镜", "下新新社区"), ("孙子想要一套学习文具", "龙锦社区"), ("想学用智能手机视频通话", "下新新社区"),
    ("想要一个助行器", "走马梁社区"), ("冬天想要一床厚棉被", "走马梁社区"), ("想请人帮忙理个发", "走马梁社区"),
    ("想要一箱牛奶", "龙海社区"), ("想把阳台的晾衣架修好", "下新新社区"), ("想要一个电暖器", "走马梁社区"),
]
WISH_STATES = ["confirmed"] * 6 + ["fulfilled", "claimed", "claimed", "approved", "approved", "pending"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _people_with(note: str) -> list[Person]:
    ids = RoleAssignment.objects.filter(role=Role.VOLUNTEER, note=note).order_by("person_id").values_list(
        "person_id", flat=True)
    return list(Person.objects.filter(pk__in=list(ids)).select_related("area").order_by("pk"))


def _area(name: str) -> Area:
    return Area.objects.get(name=name)


class _Book:
    """Rows to bulk-create: activities with their sign-ups and confirmed records."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng, self.today = rng, today
        self.activities: list[Activity] = []
        self.attendance: list[tuple[Activity, list[Person], User]] = []

    def add(self, *, title: str, kind: str, area: Area, place: str, day: dt.date, hours: tuple[int, int],
            team: Team | None, people: list[Person], recorder: User, participants: int = 0,
            lat: float | None = None, lng: float | None = None, content: str = "") -> None:
        starts, ends = _at(day, hours[0]), _at(day, hours[1])
        a = Activity(title=title, kind=kind, area=area, place=place, starts_at=starts, ends_at=ends,
                     capacity=max(len(people), 1) + self.rng.randint(0, 10), team=team, description=content or title,
                     participants=participants or len(people), lat=lat, lng=lng, created_by=recorder,
                     organiser=recorder.person)
        self.activities.append(a)
        self.attendance.append((a, people, recorder))

    def save(self) -> tuple[int, int]:
        Activity.objects.bulk_create(self.activities, batch_size=BATCH)
        signups, records = [], []
        for a, people, _recorder in self.attendance:
            for p in people:
                arrive = a.starts_at + dt.timedelta(minutes=self.rng.choice([-10, -5, 0, 5]))
                leave = a.ends_at + dt.timedelta(minutes=self.rng.choice([-15, -5, 0, 10]))
                signups.append(SignUp(activity=a, person=p, status=SignUp.Status.CONFIRMED,
                                      checked_in_at=arrive, checked_out_at=leave))
        SignUp.objects.bulk_create(signups, batch_size=BATCH)
        by_activity = {a.pk: (a, recorder) for a, _p, recorder in self.attendance}
        for s in signups:
            a, recorder = by_activity[s.activity_id]
            seconds = (s.checked_out_at - s.checked_in_at).total_seconds()
            minutes = min(int((seconds + 450) // 900) * 15, a.length_minutes)
            records.append(ServiceRecord(
                volunteer=s.person, activity=a, signup=s, area=a.area, content=a.description[:300], place=a.place,
                started_at=s.checked_in_at, ended_at=s.checked_out_at, computed_minutes=minutes, minutes=minutes,
                organiser_name=(a.team.name if a.team else a.area.name)[:100], team=a.team, recorded_by=recorder,
                status=ServiceRecord.Status.CONFIRMED, confirmed_by=recorder, confirmed_at=a.ends_at))
        ServiceRecord.objects.bulk_create(records, batch_size=BATCH)
        return len(self.activities), len(records)


def _team(name: str, kind: str, area: Area, founded: dt.date, members: list[Person], leaders: set[int],
          description: str) -> Team:
    team = Team.objects.create(name=name, kind=kind, area=area, founded_on=founded, description=description)
    TeamMembership.objects.bulk_create([
        TeamMembership(team=team, person=p, status=TeamMembership.Status.MEMBER, is_leader=p.pk in leaders)
        for p in members], batch_size=BATCH)
    return team


def build_volunteering(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "street-longzhouwan", "community-xiaxinxin", "grid-zouma", "community-longjin"]).select_related("person")}
    lzw, xxx, zml = _area("龙洲湾街道"), _area("下新新社区"), _area("走马梁社区")
    book = _Book(rng, today)
    year_ago = today - dt.timedelta(days=365)

    # 先锋骑士: the team of 64 riders, led by its party members.
    riders = _people_with(RIDER_TEAM)
    members = set(PartyRecord.objects.filter(person__in=riders, stage=PartyStage.MEMBER).values_list(
        "person_id", flat=True))
    rider_team = _team(RIDER_TEAM, Team.Kind.NEW_EMPLOYMENT, lzw, dt.date(2023, 6, 28), riders,
                       set(sorted(members)[:3]), "外卖骑手、快递员、网约车司机组成的志愿服务队，党员带头。")
    for month in range(12):
        day = year_ago + dt.timedelta(days=15 + 30 * month)
        study = month % 2 == 0
        book.add(title="先锋骑士党支部主题党日" if study else "先锋骑士“随手拍”平安巡查",
                 kind=Activity.Kind.STUDY if study else Activity.Kind.SERVICE, area=lzw,
                 place="龙洲湾街道新就业群体服务中心", day=day, hours=(14, 16), team=rider_team,
                 people=rng.sample(riders, rng.randint(18, 30)), recorder=users["street-longzhouwan"],
                 lat=29.4585, lng=106.5268,
                 content="三会一课：学习党的创新理论" if study else "巡查井盖、道路坑洼、卫生死角并随手上报")

    # 红灯笼: 4 teams paired with solitary elderly; 20 monthly home-visit sessions, 2,000 person-times.
    lantern_teams = []
    for label in "一二三四":
        people = _people_with(f"{RED_LANTERN}第{label}小队")
        lantern_teams.append((_team(f"{RED_LANTERN}第{label}小队", Team.Kind.RESIDENTS, xxx, dt.date(2023, 3, 1),
                                    people, {people[0].pk} if people else set(),
                                    "与80岁以上独居老人结对，每月上门探望；开展讲座和文艺演出。"), people))
    per_session = LANTERN_PERSON_TIMES // LANTERN_SESSIONS
    for n in range(LANTERN_SESSIONS):
        team, people = lantern_teams[n % 4]
        day = year_ago + dt.timedelta(days=10 + 17 * n)
        book.add(title=f"红灯笼结对探望独居老人（第{n + 1}次）", kind=Activity.Kind.VISIT, area=xxx,
                 place="下新新社区新河街网格", day=day, hours=(9, 11), team=team, people=people,
                 recorder=users["community-xiaxinxin"], participants=per_session,
                 content="上门探望80岁以上独居老人，陪伴聊天、清洁、读报，收集意见建议")

    # The party-mass service station: 20 activities, 1,000+ person-times.
    station_titles = ["党课开讲啦", "义诊进社区", "法律咨询", "防诈骗讲座", "亲子阅读", "文艺汇演", "书法班",
                      "智能手机课堂", "理发义剪", "端午包粽子"]
    helpers = [p for _t, ps in lantern_teams for p in ps]
    for n in range(STATION_ACTIVITIES):
        day = year_ago + dt.timedelta(days=7 + 18 * n)
        kind = Activity.Kind.STUDY if n % 5 == 0 else Activity.Kind.STATION
        book.add(title=f"党群服务站：{station_titles[n % len(station_titles)]}", kind=kind, area=xxx,
                 place=STATION, day=day, hours=(15, 17), team=None, people=rng.sample(helpers, 4),
                 recorder=users["community-xiaxinxin"], participants=rng.randint(50, 62), lat=29.3833, lng=106.5217)

    # 走马二村 retirees: founders and the 13 who joined; the four festivals.
    retirees = _people_with(ZOUMA_TEAM)
    director = next((p for p in retirees if "老厂长" in p.note), retirees[0] if retirees else None)
    zouma_team = _team(ZOUMA_TEAM, Team.Kind.RETIREES, zml, dt.date(2023, 2, 5), retirees,
                       {director.pk} if director else set(), "攀钢家属区退休职工自发组建，13名居民加入。")
    festivals = (("元宵节猜灯谜", 2, 12), ("三八节插花", 3, 8), ("端午节包粽子", 6, 10), ("冬至包饺子", 12, 21))
    for title, month, day_ in festivals:
        day = dt.date(today.year if dt.date(today.year, month, day_) <= today else today.year - 1, month, day_)
        book.add(title=f"走马二村{title}", kind=Activity.Kind.FESTIVAL, area=zml, place="走马二村小区坝坝",
                 day=day, hours=(9, 12), team=zouma_team, people=retirees, recorder=users["grid-zouma"],
                 participants=len(retirees) + rng.randint(40, 80))
    n_activities, n_records = book.save()

    n_wishes = _wishes(rng, today, users, riders, helpers)
    n_honours = _honours(users["street-longzhouwan"])
    n_pledges = _pledges(rng, today, zml, users["grid-zouma"])
    return {"志愿队": Team.objects.count(), "志愿活动": n_activities, "服务记录": n_records,
            "微心愿": n_wishes, "荣誉": n_honours, "承诺": n_pledges}


def _wishes(rng, today, users, riders, helpers) -> int:
    staff = users["community-xiaxinxin"]
    elderly = list(Person.objects.filter(area__code__startswith=_area("下新新社区").code,
                                         birth_date__lte=today.replace(year=today.year - 80)).order_by("pk")[:40])
    zouma_elderly = list(Person.objects.filter(area__code__startswith=_area("走马梁社区").code,
                                               birth_date__lte=today.replace(year=today.year - 75)).order_by("pk")[:20])
    others = list(Person.objects.filter(area__code__startswith=_area("龙洲湾街道").code).order_by("pk")[:40])
    rows = []
    for n, ((title, community), state) in enumerate(zip(WISHES, WISH_STATES, strict=True)):
        pool = {"下新新社区": elderly, "走马梁社区": zouma_elderly}.get(community, others)
        wisher = pool[n % len(pool)]
        posted = timezone.now() - dt.timedelta(days=200 - 15 * n)
        w = Wish(title=title, area=wisher.area, wisher=wisher, posted_by=staff if community == "下新新社区"
                 else users["grid-zouma"] if community == "走马梁社区" else users["street-longzhouwan"],
                 by_phone=community != "龙锦社区" and n % 2 == 0, status=state)
        if state != "pending":
            w.approved_by, w.approved_at = w.posted_by, posted + dt.timedelta(days=1)
        if state in ("claimed", "fulfilled", "confirmed"):
            w.claimed_by = (riders if n % 2 == 0 else helpers)[rng.randrange(len(riders if n % 2 == 0 else helpers))]
            w.claimed_at = posted + dt.timedelta(days=2)
        if state in ("fulfilled", "confirmed"):
            w.fulfilled_at, w.fulfil_note = posted + dt.timedelta(days=5), "已送到老人家中"
        if state == "confirmed":
            w.confirmed_by, w.confirmed_at = w.posted_by, posted + dt.timedelta(days=6)
        rows.append((w, posted))
    Wish.objects.bulk_create([w for w, _p in rows])
    for w, posted in rows:
        Wish.objects.filter(pk=w.pk).update(created_at=posted)
    return len(rows)


def _honours(recorder: User) -> int:
    """The four district-level 最美 workers as ``Honour`` rows.

    They come from the contribution-ledger lines the people demo writes for them (``HONOUR_ENTRY``); once
    those lines are dropped there, the first four party members of the rider team are taken instead.
    """
    entries = list(ContributionEntry.objects.filter(what=HONOUR_ENTRY).select_related("person").order_by("pk"))
    winners = [(e.person, e.date) for e in entries]
    if not winners:
        riders = RoleAssignment.objects.filter(role=Role.VOLUNTEER, note=RIDER_TEAM).values("person_id")
        winners = [(p, dt.date(2024, 5, 4)) for p in Person.objects.filter(
            pk__in=riders, party__stage=PartyStage.MEMBER).order_by("pk")[:4]]
    Honour.objects.bulk_create([
        Honour(person=person, title=HONOUR_TITLE, level=Honour.Level.DISTRICT, awarded_on=day,
               awarded_by="中共巴南区委社会工作部", created_by=recorder,
               citation="扎根龙洲湾配送一线，带头参加“先锋骑士”志愿服务，随手拍、随手报城市治理问题，"
                        "参与“新新向党·逐梦未来”分享会。") for person, day in winners])
    return len(winners)


def _pledges(rng, today, community: Area, recorder: User) -> int:
    low, high = code_range(community.code)
    members = list(Person.objects.filter(area__code__gte=low, area__code__lt=high, party__stage=PartyStage.MEMBER)
                   .order_by("pk"))
    pledges, plan = [], []
    for n in range(PLEDGES):
        person = members[n % len(members)]
        pledged = today - dt.timedelta(days=rng.randint(30, 330))
        status = rng.choices(["fulfilled", "in_progress", "pledged", "abandoned"], [6, 3, 2, 0.3])[0]
        pledges.append(Pledge(person=person, area=person.area, text=PLEDGE_TEXTS[n % len(PLEDGE_TEXTS)],
                              pledged_on=pledged, due_on=pledged + dt.timedelta(days=60), status=status,
                              created_by=recorder))
        plan.append(status)
    Pledge.objects.bulk_create(pledges, batch_size=BATCH)
    follow = []
    for p, status in zip(pledges, plan, strict=True):
        if status == "pledged":
            continue
        follow.append(PledgeFollowUp(pledge=p, date=min(p.pledged_on + dt.timedelta(days=10), today),
                                     note="已联系相关住户，正在落实", status="in_progress", by=recorder))
        if status in ("fulfilled", "abandoned"):
            note = "已完成，住户满意" if status == "fulfilled" else "住户已搬离，承诺事项取消"
            follow.append(PledgeFollowUp(pledge=p, date=min(p.pledged_on + dt.timedelta(days=25), today),
                                         note=note, status=status, by=recorder))
    PledgeFollowUp.objects.bulk_create(follow, batch_size=BATCH)
    return len(pledges)


def volunteering_figures() -> dict[str, int]:
    """The article's volunteering figures, each one aggregate query."""
    lantern = Activity.objects.filter(team__name__startswith=RED_LANTERN)
    station = Activity.objects.filter(place=STATION)
    zouma_low, zouma_high = code_range(_area("走马梁社区").code)
    return {
        "riders": TeamMembership.objects.filter(team__name=RIDER_TEAM, status="member").count(),
        "lantern_teams": Team.objects.filter(name__startswith=RED_LANTERN).count(),
        "lantern_sessions": lantern.count(),
        "lantern_person_times": lantern.aggregate(n=Sum("participants"))["n"] or 0,
        "station_activities": station.count(),
        "station_person_times": station.aggregate(n=Sum("participants"))["n"] or 0,
        "zouma_retirees": TeamMembership.objects.filter(team__name=ZOUMA_TEAM, status="member").count(),
        "district_honours": Honour.objects.filter(level=Honour.Level.DISTRICT, title=HONOUR_TITLE).count(),
        "zouma_pledges": Pledge.objects.filter(area__code__gte=zouma_low, area__code__lt=zouma_high).count(),
        "wishes_confirmed": Wish.objects.filter(status=Wish.Status.CONFIRMED).count(),
        "service_hours": (ServiceRecord.objects.filter(status="confirmed").aggregate(n=Sum("minutes"))["n"] or 0)
        // 60,
    }


def delete_volunteering(area_ids: list[int], person_ids: list[int]) -> None:
    """Remove the volunteering rows that belong to demo places or people (before they go)."""
    in_area = Q(area_id__in=area_ids)
    from linli.volunteering.models import Certificate, RecordCorrection

    Certificate.objects.filter(in_area | Q(volunteer_id__in=person_ids)).delete()
    RecordCorrection.objects.filter(Q(record__area_id__in=area_ids) | Q(record__volunteer_id__in=person_ids)).delete()
    ServiceRecord.objects.filter(in_area | Q(volunteer_id__in=person_ids)).delete()
    SignUp.objects.filter(Q(activity__area_id__in=area_ids) | Q(person_id__in=person_ids)).delete()
    Activity.objects.filter(in_area | Q(organiser_id__in=person_ids)).delete()
    TeamMembership.objects.filter(Q(team__area_id__in=area_ids) | Q(person_id__in=person_ids)).delete()
    Team.objects.filter(in_area).delete()
    Wish.objects.filter(in_area | Q(wisher_id__in=person_ids) | Q(claimed_by_id__in=person_ids)).delete()
    Honour.objects.filter(person_id__in=person_ids).delete()
    Pledge.objects.filter(in_area | Q(person_id__in=person_ids)).delete()


__all__ = ["build_volunteering", "delete_volunteering", "volunteering_figures"]
