"""Demo care: the article's figures, read back by query (``care_figures``).

- 红灯笼: the 80+ solitary elderly of 新河街网格 on the care list, each paired with one volunteer of the four
  红灯笼 teams (volunteering demo), with a year of visits (monthly, weekly for the few at high risk; about one
  in ten missed, some made up later), health notes, family doctors and emergency contacts; a cold-snap
  alert declared this morning for the grid, half of it visited already;
- 便民代办 of 走马二村: the 10 errand agents (people demo) and the 8 solitary elderly they visited and put on a
  contact ledger, with 30+ errands done over the year (water and electricity bills, retirement
  certification, bus-card annual review, medicine), money in fen, and two errands still open;
- the 微孝热线 of 下新新社区: a weekly roster of its six duty people for the past month and the weeks ahead,
  two swaps, calls of the month (some became errands), and two 红灯笼 volunteers who are also errand agents;
- the six helps (六助) of 康乐居家养老服务中心 (a provider partner unit of 走马梁社区), with bookings delivered;
- 微孝义诊/家访/课堂 of 下新新社区: a year of monthly outreach (volunteer activities, not 红灯笼's and not at the
  party-mass station, so the article's activity figures stay exact) held with 鱼洞社区卫生服务中心 (a partner
  unit) and 龙洲湾街道龙洲湾派出所 (a department): 4 free clinics, 4 home-visit days, 4 classes.

``community-xiaxinxin`` also holds the care-worker role (reads health notes, logged); ``grid-xinhejie`` is
the grid worker of the paired elderly.  Deterministic: one ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from django.db.models import Count, Q
from django.utils import timezone

from linli.care.models import (
    Alert,
    Call,
    CarePair,
    CareRecipient,
    DutySlot,
    DutySwap,
    EmergencyContact,
    Errand,
    ErrandEvent,
    HealthNote,
    HelpBooking,
    HelpKind,
    HelpService,
    Outreach,
    Risk,
    Visit,
    VisitDue,
)
from linli.care.services import plans
from linli.core import roles
from linli.core.models import User
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area, Department, PartnerKind, PartnerUnit
from linli.volunteering.models import Activity, Team, TeamMembership

from .names import DEMO_MOBILE_BASE
from .people import RED_LANTERN

BATCH = 500
TZ = dt.timezone(dt.timedelta(hours=8))
ZOUMA_LEDGER = 8
ZOUMA_ERRANDS_DONE = 34
PROVIDER = "康乐居家养老服务中心"
HEALTH_CENTRE, POLICE = "鱼洞社区卫生服务中心", "龙洲湾街道龙洲湾派出所"
# 微孝 outreach, one a month in turn: (kind, title, place, with the health centre, with the police, person-times).
OUTREACH = [
    (Outreach.Kind.CLINIC, "微孝义诊：量血压、测血糖、用药咨询", "新河街网格小广场", True, False, (60, 80)),
    (Outreach.Kind.HOME_VISIT, "微孝家访：医警联合上门看望高龄独居老人", "新河街网格老人家中", True, True, (12, 16)),
    (Outreach.Kind.CLASS, "微孝课堂：老年人防诈骗", "下新新社区居民活动室", False, True, (40, 55)),
]
OUTREACH_MONTHS = 12
HEALTH = ["高血压，每日服用降压药", "糖尿病，饮食控制，定期测血糖", "膝关节退变，行走需拐杖", "冠心病史，备有硝酸甘油",
          "轻度认知障碍，需提醒服药", "听力下降，说话需放慢", "白内障术后，视力尚可", "慢阻肺，冬季易发作"]
FINDINGS = ["精神尚好，饮食正常", "血压偏高，提醒按时服药", "家中燃气软管老化", "想念子女，情绪稍低",
            "冰箱食物过期已清理", "卫生间地面湿滑，建议加防滑垫", "一切正常，聊了家常", "反映楼道灯不亮"]
CALL_NOTES = {"errand": "请人上门帮忙交燃气费", "other": "询问“微孝义诊”时间"}
NEEDS = ["代买降压药", "代交电费", "更换燃气软管", "陪同复查", "公交卡年审"]
ERRAND_TEXT = {
    Errand.Kind.UTILITY: "代交本月水电费", Errand.Kind.RETIREMENT: "协助完成退休人员资格认证（人脸识别）",
    Errand.Kind.BUS_CARD: "老年公交卡年审", Errand.Kind.MEDICINE: "到社区药房代买常用药", Errand.Kind.OTHER: "代取快递",
}
GIVEN_NAMES = ["志明", "红梅", "建军", "丽", "伟", "芳", "强", "霞"]
RELATIONS = ["儿子", "女儿", "侄子", "外甥女", "邻居"]
SERVICES = [(HelpKind.CLEANING, "居家保洁（2小时）", 4000), (HelpKind.EMERGENCY, "紧急呼叫上门", 0),
            (HelpKind.MOBILITY, "陪同出行", 2000), (HelpKind.BATHING, "上门助浴", 5000),
            (HelpKind.MEDICAL, "上门量血压、送药", 0), (HelpKind.MEALS, "老人饭堂送餐", 1200)]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _age_80_cutoff(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 80)
    except ValueError:
        return today.replace(year=today.year - 80, day=28)


def _solitary_elderly(grid_names: list[str], today: dt.date, age_cutoff: dt.date | None = None) -> list[Person]:
    """People living alone in these grids, born on or before the cutoff (one query)."""
    cutoff = age_cutoff or _age_80_cutoff(today)
    return list(Person.objects.filter(household__grid__name__in=grid_names, birth_date__lte=cutoff)
                .annotate(n=Count("household__members")).filter(n=1)
                .select_related("area", "household").order_by("pk"))


def _contacts(rng: random.Random, recipient: CareRecipient, n: int) -> list[EmergencyContact]:
    surname = recipient.person.name[0]
    return [EmergencyContact(recipient=recipient, name=surname + rng.choice(GIVEN_NAMES),
                             relation=rng.choice(RELATIONS),
                             phone=str(DEMO_MOBILE_BASE + 900_000 + recipient.person_id * 3 + i), order=i)
            for i in range(n)]


def _recipients(rng, people: list[Person], registered: dt.datetime, by: User, high: int) -> list[CareRecipient]:
    rows = []
    for i, p in enumerate(people):
        risk = Risk.HIGH if i < high else Risk.PRIORITY
        rows.append(CareRecipient(
            person=p, area=p.area, categories=["solitary", "aged_80"] + (["disabled"] if i % 7 == 3 else []),
            risk=risk, risk_reason="独居高龄，近期跌倒" if risk == Risk.HIGH else "80岁以上独居老人",
            family_doctor=rng.choice(["何医生", "罗医生", "唐医生", "邓医生"]),
            doctor_institution=("鱼洞街道社区卫生服务中心" if p.area.name == "新河街网格"
                                else "花溪街道社区卫生服务中心"),
            doctor_phone="023-66221120", registered_by=by))
    CareRecipient.objects.bulk_create(rows, batch_size=BATCH)
    CareRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=registered)
    for r in rows:
        r.created_at = registered
    return rows


def _year_of_visits(rng, recipients, carer_of: Mapping[int, tuple[Person, Team | None]], recorder: dict[int, User],
                    first: dt.date, today: dt.date, now: dt.datetime, truants: range = range(0)) -> list[Visit]:
    """Visits in most periods; the recipients at ``truants`` were missed last period and not seen since."""
    visits = []
    for n, r in enumerate(recipients):
        carer, team = carer_of[r.pk]
        cadence = plans.CADENCE_OF_RISK[r.risk]
        spans = plans.periods(cadence, first, today)
        for k, (start, end) in enumerate(spans):
            current = end > today
            truant = n in truants and k >= len(spans) - 3
            if truant and k >= len(spans) - 2:
                continue
            if rng.random() < (0.55 if current else 0.1):  # about one period in ten missed
                if not current and not truant and rng.random() < 0.5:  # made up a few days after the period
                    late = end + dt.timedelta(days=rng.randint(1, 5))
                    if late < today:
                        visits.append(_visit(rng, r, carer, team, recorder[r.pk], late, now))
                continue
            last = min(end - dt.timedelta(days=1), today)
            day = start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days)))
            visits.append(_visit(rng, r, carer, team, recorder[r.pk], day, now))
    visits = [v for v in visits if v.ended_at <= now]
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    return visits


def _visit(rng, r, carer, team, user, day, now) -> Visit:
    start = _at(day, rng.choice([9, 10, 14, 15, 16]), rng.choice([0, 15, 30]))
    if start > now - dt.timedelta(hours=1):
        start = now - dt.timedelta(hours=rng.randint(1, 3))
    phone = rng.random() < 0.15
    finding = rng.choice(FINDINGS)
    problem = "老化" in finding or "湿滑" in finding or "不亮" in finding
    return Visit(recipient=r, area=r.area, carer=carer, team=team, recorded_by=user,
                 mode=Visit.Mode.PHONE if phone else Visit.Mode.IN_PERSON,
                 service_type="phone_check" if phone else "home_visit", started_at=start,
                 ended_at=start + dt.timedelta(minutes=rng.choice([15, 20, 30, 40])),
                 lat=None if phone else 29.39 + rng.random() / 500, lng=None if phone else 106.52 + rng.random() / 500,
                 health=rng.choice(["good", "good", "fair"]), home_safety="fair" if problem else "good",
                 mood=rng.choice(["good", "good", "fair"]), findings=finding,
                 needs=rng.choice(NEEDS) if problem else "",
                 outcome=Visit.Outcome.PROBLEM if problem else Visit.Outcome.OK)


def _people(role: str, note_contains: str = "") -> list[Person]:
    qs = RoleAssignment.objects.filter(role=role)
    if note_contains:
        qs = qs.filter(note__contains=note_contains)
    return list(Person.objects.filter(pk__in=qs.values("person_id")).select_related("area").order_by("pk"))


def build_care(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "community-xiaxinxin", "grid-xinhejie", "grid-zouma", "street-longzhouwan"]).select_related("person")}
    xxx, zouma = Area.objects.get(name="下新新社区"), Area.objects.get(name="走马梁社区")
    xhj = Area.objects.get(name="新河街网格")
    year_ago = today - dt.timedelta(days=365)
    registered = _at(year_ago, 9)

    # Roles: the community worker of 下新新 is also its care worker; two 红灯笼 volunteers run errands too.
    care_worker = users["community-xiaxinxin"].person
    assert care_worker is not None  # the demo accounts are all linked to a person
    RoleAssignment.objects.create(person=care_worker, role=roles.CARE_WORKER, area=xxx,
                                  starts_on=year_ago, note="助老服务专员（兼）")
    lantern = _people(roles.VOLUNTEER, RED_LANTERN)
    for p in lantern[-2:]:
        RoleAssignment.objects.create(person=p, role=roles.ERRAND_AGENT, area=xxx, starts_on=year_ago,
                                      note="“微孝热线”上门代办")

    # 红灯笼: the 80+ solitary elderly of 新河街, each paired with one volunteer of the four teams.
    teams = list(Team.objects.filter(name__startswith=RED_LANTERN).order_by("name"))
    members = {m.person_id: m.team for m in TeamMembership.objects.filter(team__in=teams).select_related("team")}
    volunteers = [p for p in lantern if p.pk in members]
    elderly = _solitary_elderly(["新河街网格"], today)
    lantern_recipients = _recipients(rng, elderly, registered, users["community-xiaxinxin"], high=3)
    pairs, carer_of = [], {}
    for i, r in enumerate(lantern_recipients):
        carer = volunteers[i % len(volunteers)]
        pairs.append(CarePair(recipient=r, carer=carer, team=members[carer.pk], starts_on=year_ago,
                              created_by=users["community-xiaxinxin"]))
        carer_of[r.pk] = (carer, members[carer.pk])
    CarePair.objects.bulk_create(pairs, batch_size=BATCH)
    recorder = {r.pk: users["grid-xinhejie"] for r in lantern_recipients}
    visits = _year_of_visits(rng, lantern_recipients, carer_of, recorder, year_ago, today, now, truants=range(3, 6))

    # 走马二村: the 8 solitary elderly visited by the errand agents and put on the contact ledger.
    agents = [p for p in _people(roles.ERRAND_AGENT) if p.area.code.startswith(zouma.code)]
    ledger_people = _solitary_elderly(["走马二村第一网格", "走马二村第二网格"], today,
                                      today.replace(year=today.year - 70))[:ZOUMA_LEDGER]
    zouma_recipients = _recipients(rng, ledger_people, registered, users["grid-zouma"], high=0)
    zouma_carer = {r.pk: (agents[i % len(agents)], None) for i, r in enumerate(zouma_recipients)}
    CarePair.objects.bulk_create([CarePair(recipient=r, carer=zouma_carer[r.pk][0], starts_on=year_ago,
                                           created_by=users["grid-zouma"]) for r in zouma_recipients])
    visits += _year_of_visits(rng, zouma_recipients, zouma_carer, {r.pk: users["grid-zouma"] for r in zouma_recipients},
                              year_ago, today, now)
    everyone = lantern_recipients + zouma_recipients

    contacts = [c for r in everyone for c in _contacts(rng, r, 1 + (r.pk % 2))]
    EmergencyContact.objects.bulk_create(contacts, batch_size=BATCH)
    HealthNote.objects.bulk_create([HealthNote(recipient=r, text=rng.choice(HEALTH),
                                               written_by=users["community-xiaxinxin"]) for r in everyone])
    dues = plans.ensure_dues(today, CareRecipient.objects.filter(pk__in=[r.pk for r in everyone]))
    # This morning's cold snap: every paired elderly person of 新河街 within 24 hours; half visited so far.
    alert = Alert.objects.create(kind=Alert.Kind.COLD, area=xhj, note="寒潮蓝色预警：检查取暖和门窗",
                                 starts_at=now - dt.timedelta(hours=6), declared_by=users["community-xiaxinxin"])
    owners = plans.owner_pairs(r.pk for r in lantern_recipients)
    VisitDue.objects.bulk_create([VisitDue(recipient=r, area=r.area, pair=owners.get(r.pk), team=carer_of[r.pk][1],
                                           cadence="alert", alert=alert, opens_at=alert.starts_at,
                                           due_at=alert.starts_at + dt.timedelta(hours=24),
                                           month=plans.rate_month(alert.starts_at + dt.timedelta(hours=24)))
                                  for r in lantern_recipients])
    for r in lantern_recipients[6::2]:
        carer, team = carer_of[r.pk]
        v = Visit.objects.create(recipient=r, area=r.area, carer=carer, team=team, recorded_by=users["grid-xinhejie"],
                                 mode=Visit.Mode.PHONE, service_type="phone_check",
                                 started_at=now - dt.timedelta(hours=3),
                                 ended_at=now - dt.timedelta(hours=2, minutes=50),
                                 findings="已电话确认取暖正常", outcome=Visit.Outcome.OK)
        plans.meet_dues(v)
        visits.append(v)

    errand_count = _errands(rng, zouma_recipients, lantern_recipients, agents, lantern[-2:], users, today, now)
    calls, slots = _hotline(rng, xxx, users, lantern, lantern_recipients, today, now)
    bookings = _six_helps(rng, zouma, zouma_recipients, users["grid-zouma"], today)
    outreach = _outreach(rng, xhj, users["community-xiaxinxin"], today)
    return {"关爱对象": len(everyone), "走访": len(visits), "应访": dues + len(lantern_recipients),
            "代办": errand_count, "热线来电": calls, "值班班次": slots, "六助预约": bookings, "微孝活动": outreach}


def _errands(rng, zouma_recipients, lantern_recipients, agents, xxx_agents, users, today, now) -> int:
    rows, events = [], []
    kinds = [Errand.Kind.UTILITY] * 12 + [Errand.Kind.RETIREMENT] * 6 + [Errand.Kind.BUS_CARD] * 6 + \
        [Errand.Kind.MEDICINE] * 8 + [Errand.Kind.OTHER] * 2
    for i in range(ZOUMA_ERRANDS_DONE):
        r = zouma_recipients[i % len(zouma_recipients)]
        kind = kinds[i % len(kinds)]
        created = _at(today - dt.timedelta(days=360 - i * 10), 9, rng.choice([0, 20, 40]))
        advance = {Errand.Kind.UTILITY: rng.choice([10_000, 20_000]), Errand.Kind.MEDICINE: 10_000}.get(kind, 0)
        spent = {Errand.Kind.UTILITY: rng.randint(4_000, 9_500), Errand.Kind.MEDICINE: rng.randint(2_500, 9_000)}.get(
            kind, 0)
        done = created + dt.timedelta(hours=rng.randint(3, 48))
        confirmed = i < ZOUMA_ERRANDS_DONE - 4
        rows.append(Errand(kind=kind, description=ERRAND_TEXT[kind], person=r.person, area=r.area,
                           status=Errand.Status.CONFIRMED if confirmed else Errand.Status.DONE,
                           agent=agents[i % len(agents)], requested_by=users["grid-zouma"], advance_fen=advance,
                           spent_fen=spent, change_fen=max(advance - spent, 0), done_note="已办结，票据已交老人",
                           created_at=created, dispatched_at=created + dt.timedelta(minutes=30),
                           accepted_at=created + dt.timedelta(hours=1), done_at=done,
                           minutes_to_done=int((done - created).total_seconds() // 60),
                           confirmed_at=done + dt.timedelta(hours=2) if confirmed else None,
                           confirmed_by=users["grid-zouma"] if confirmed else None))
    # Still open: one sent, one accepted (they show on the agents' phones).
    for n, status in enumerate([Errand.Status.DISPATCHED, Errand.Status.ACCEPTED]):
        r = zouma_recipients[n]
        created = now - dt.timedelta(hours=5 + n)
        rows.append(Errand(kind=Errand.Kind.MEDICINE, description="代买感冒药和口罩", person=r.person, area=r.area,
                           status=status, agent=agents[n], requested_by=users["grid-zouma"], advance_fen=5_000,
                           created_at=created, dispatched_at=created + dt.timedelta(minutes=20),
                           accepted_at=created + dt.timedelta(hours=1) if n else None))
    # 新河街: errands of the month taken by the hotline, done by the two 红灯笼 agents.
    for n in range(4):
        r = lantern_recipients[n]
        created = now - dt.timedelta(days=3 + 6 * n)
        done = created + dt.timedelta(hours=6)
        rows.append(Errand(kind=Errand.Kind.UTILITY, description="代交燃气费", person=r.person, area=r.area,
                           status=Errand.Status.CONFIRMED, agent=xxx_agents[n % 2], requested_by=users["grid-xinhejie"],
                           advance_fen=10_000, spent_fen=6_600, change_fen=3_400, done_note="已交燃气费",
                           created_at=created, dispatched_at=created, accepted_at=created, done_at=done,
                           minutes_to_done=360, confirmed_at=done, confirmed_by=users["grid-xinhejie"]))
    Errand.objects.bulk_create(rows, batch_size=BATCH)
    by = {e.requested_by_id: e.requested_by for e in rows}
    for e in rows:
        steps = [("request", e.created_at), ("dispatch", e.dispatched_at), ("accept", e.accepted_at),
                 ("done", e.done_at), ("confirm", e.confirmed_at)]
        events += [ErrandEvent(errand=e, action=a, by=by[e.requested_by_id], at=t) for a, t in steps if t]
    ErrandEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(rows)


def _hotline(rng, xxx: Area, users, lantern, recipients, today, now) -> tuple[int, int]:
    duty = _people(roles.HOTLINE_DUTY)
    duty = [p for p in duty if p.area.code.startswith(xxx.code)] or duty
    start = today - dt.timedelta(days=31)
    slots = []
    for weekday in range(5):
        for k, (a, b) in enumerate([(dt.time(9), dt.time(12)), (dt.time(14), dt.time(17, 30))]):
            slots.append(DutySlot(area=xxx, weekday=weekday, starts=a, ends=b,
                                  person=duty[(weekday * 2 + k) % len(duty)], valid_from=start))
    slots.append(DutySlot(area=xxx, weekday=5, starts=dt.time(9), ends=dt.time(12), person=duty[0], valid_from=start))
    DutySlot.objects.bulk_create(slots)
    swaps = []
    for n, slot in enumerate(slots[:2]):
        day = today + dt.timedelta(days=(slot.weekday - today.weekday()) % 7 + 7 * n)
        other = next(p for p in duty if p.pk != slot.person_id)
        swaps.append(DutySwap(slot=slot, date=day, replacement=other, reason="值班员外出，临时调班",
                              created_by=users["community-xiaxinxin"]))
    DutySwap.objects.bulk_create(swaps)
    taker = users["grid-xinhejie"]
    calls = []
    for n in range(20):
        r = recipients[n % len(recipients)]
        at = _at(today - dt.timedelta(days=n + 1), rng.choice([9, 10, 15, 16]), rng.choice([5, 25, 45]))
        kind = ["errand", "other", "other", "six_helps", "problem"][n % 5]
        calls.append(Call(area=xxx, taken_by=taker, at=at, caller_name=r.person.name if n % 3 else "家属",
                          callback_phone=r.person.mobile, person=r.person,
                          request_type="other" if kind in ("six_helps", "problem") else kind,
                          notes=CALL_NOTES.get(kind, "询问助浴服务")))
    Call.objects.bulk_create(calls)
    return len(calls), len(slots)


def _six_helps(rng, zouma: Area, recipients, user, today) -> int:
    provider = PartnerUnit.objects.filter(kind=PartnerKind.PROVIDER, name=PROVIDER).first()
    if provider is None:
        provider = PartnerUnit.objects.create(kind=PartnerKind.PROVIDER, name=PROVIDER, area=zouma)
    services = HelpService.objects.bulk_create([HelpService(kind=k, name=n, provider=provider, area=zouma.parent,
                                                            price_fen=p) for k, n, p in SERVICES])
    bookings = []
    for n in range(24):
        s = services[n % len(services)]
        r = recipients[n % len(recipients)]
        day = today - dt.timedelta(days=5 + 14 * n)
        bookings.append(HelpBooking(service=s, recipient=r, area=r.area, date=day, status=HelpBooking.Status.DELIVERED,
                                    price_fen=s.price_fen, booked_by=user, delivered_by="康乐中心护理员",
                                    minutes=rng.choice([30, 45, 60, 90, 120]), delivered_at=_at(day, 10)))
    bookings.append(HelpBooking(service=services[3], recipient=recipients[0], area=recipients[0].area,
                                date=today + dt.timedelta(days=2), price_fen=services[3].price_fen, booked_by=user))
    HelpBooking.objects.bulk_create(bookings)
    return len(bookings)


def _outreach(rng, xhj: Area, user: User, today: dt.date) -> int:
    """A year of monthly 微孝 outreach in 新河街网格, each a volunteer activity with its partners."""
    centre = PartnerUnit.objects.get(name=HEALTH_CENTRE)
    police = Department.objects.get(name=POLICE)
    activities, kinds = [], []
    for n in range(OUTREACH_MONTHS):
        kind, title, place, with_centre, with_police, people = OUTREACH[n % len(OUTREACH)]
        day = today - dt.timedelta(days=20 + 30 * (OUTREACH_MONTHS - 1 - n))
        starts = _at(day, 9, 30)
        activities.append(Activity(title=title, kind=Activity.Kind.VISIT if kind == Outreach.Kind.HOME_VISIT
                                   else Activity.Kind.SERVICE, area=xhj, place=place, starts_at=starts,
                                   ends_at=starts + dt.timedelta(hours=2, minutes=30), capacity=10,
                                   participants=rng.randint(*people), organiser=user.person, created_by=user,
                                   description=title))
        kinds.append((kind, with_centre, with_police))
    Activity.objects.bulk_create(activities)
    rows = Outreach.objects.bulk_create([Outreach(activity=a, kind=k, created_by=user)
                                         for a, (k, _c, _p) in zip(activities, kinds, strict=True)])
    Outreach.partners.through.objects.bulk_create([
        Outreach.partners.through(outreach=o, partnerunit=centre) for o, (_k, c, _p) in zip(rows, kinds, strict=True)
        if c])
    Outreach.departments.through.objects.bulk_create([
        Outreach.departments.through(outreach=o, department=police) for o, (_k, _c, p) in zip(rows, kinds, strict=True)
        if p])
    return len(rows)


def care_figures() -> dict[str, int]:
    """The article's care figures, each one query."""
    zouma = Area.objects.get(name="走马梁社区").code
    xhj = Area.objects.get(name="新河街网格").code
    done = Q(status__in=[Errand.Status.DONE, Errand.Status.CONFIRMED])
    return {
        "lantern_teams": CarePair.objects.filter(recipient__area__code=xhj, team__isnull=False).values(
            "team").distinct().count(),
        "lantern_elderly": CareRecipient.objects.filter(area__code=xhj, categories__icontains="aged_80").count(),
        "zouma_agents": RoleAssignment.objects.current().filter(role=roles.ERRAND_AGENT,
                                                                area__code=zouma).count(),
        "zouma_errands_done": Errand.objects.filter(done, area__code__startswith=zouma).count(),
        "zouma_ledger": CareRecipient.objects.filter(area__code__startswith=zouma).count(),
        "six_helps": HelpService.objects.filter(provider__name=PROVIDER).values("kind").distinct().count(),
        "outreach_with_health_centre": Outreach.objects.filter(partners__name=HEALTH_CENTRE).count(),
        "outreach_with_police": Outreach.objects.filter(departments__name=POLICE).count(),
    }


def delete_care(area_ids: list[int], person_ids: list[int]) -> None:
    """Remove the care rows of demo places and people (before they go)."""
    in_area = Q(area_id__in=area_ids)
    ErrandEvent.objects.filter(errand__area_id__in=area_ids).delete()
    Errand.objects.filter(in_area | Q(person_id__in=person_ids) | Q(agent_id__in=person_ids)).delete()
    Outreach.objects.filter(activity__area_id__in=area_ids).delete()
    HelpBooking.objects.filter(in_area).delete()
    HelpService.objects.filter(in_area | Q(provider__area_id__in=area_ids)).delete()
    VisitDue.objects.filter(in_area).delete()
    Visit.objects.filter(in_area | Q(carer_id__in=person_ids)).delete()
    Alert.objects.filter(in_area).delete()
    Call.objects.filter(in_area | Q(person_id__in=person_ids)).delete()
    DutySwap.objects.filter(Q(slot__area_id__in=area_ids) | Q(replacement_id__in=person_ids)).delete()
    DutySlot.objects.filter(in_area | Q(person_id__in=person_ids)).delete()
    CarePair.objects.filter(Q(recipient__area_id__in=area_ids) | Q(carer_id__in=person_ids)).delete()
    CareRecipient.objects.filter(in_area | Q(person_id__in=person_ids)).delete()


__all__ = ["build_care", "care_figures", "delete_care"]
