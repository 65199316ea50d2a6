"""Demo meetings: the article's five kinds of deliberation, with their sessions, agendas and outcomes.

The figures, read back by query (``linli.meetings.accountability.figures``, one query per series):

- 新河街网格“逢四说事” (the 4th of every month): 8 sessions, 36 issues solved: the 39 meeting cases of the
  cases demo (occupied common areas, tangled wiring …), 36 of them closed, become the items of 8 sessions;
  two topics declined with a reason, and a lift installation escalated to the 党群议事会;
- 龙洲湾街道“小哥圆桌会”: 52 problems solved (parking spaces, heat protection …) over a year of monthly sessions;
- 龙洲湾街道联席会议 of the 17 posts: 27 problems solved (traffic, sanitation, objects thrown from height);
- 下新新社区党群议事会: the escalated lift installation, assigned to the district's housing commission,
  still open (a live case in the loop), plus tree pruning solved with the companies present;
- 走马二村小区理事会: 10 self-management coordination meetings, one of which voted the 10-yuan fee.

The meeting items point at the cases the cases demo wrote (channel ``meeting``); only the lift case is filed
here, through ``linli.cases.services`` like any meeting's assignment.  Deterministic: ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from linli.cases.models import Case, Category, Channel, HandlerLevel, Status
from linli.cases.services import file_case, transition
from linli.core.models import User
from linli.meetings import services
from linli.meetings.accountability import figures
from linli.meetings.models import (
    AgendaItem,
    Attendance,
    ItemEvent,
    ItemSource,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Motion,
    MotionResult,
    Opinion,
    OpinionDrive,
    Outcome,
    Recurrence,
    Series,
    Vote,
    VoteChoice,
    VoteRule,
)
from linli.meetings.recurrence import occurrences
from linli.people.models import Person, Role, RoleAssignment
from linli.places.models import Area, Department

from .cases import FENGSI, JOINT_CONFERENCE, ROUNDTABLE, ZOUMA_COLLECTED

BATCH = 500
FENGSI_SESSIONS = 8
ROUNDTABLE_NAME = "龙洲湾街道“小哥圆桌会”"
COUNCIL_NAME = "下新新社区党群议事会"
ZOUMA_COUNCIL = "走马二村小区理事会"
ZOUMA_MEETINGS = 10
FEE_MOTION = "每户每月缴纳小区自治管理费10元，用于楼道保洁和公共照明"
LIFT_TOPIC = "5栋加装电梯：住户意见基本统一，需区住建委审批和资金支持"

KINDS = [
    ("fengsi", "逢四说事", "网格每月4日（遇节假日顺延）召集街道、社区和居民，议楼栋微信群里收集的问题"),
    ("roundtable", "小哥圆桌会", "新就业群体与职能部门面对面：能当场解决的当场解决，其余“收集—交办—反馈”"),
    ("joint", "联席会议", "街道各站所、办公室联合研判、定期复盘"),
    ("council", "党群议事会", "小区解决不了的问题（加装电梯、树木修剪、外墙隐患），部门和企业列席"),
    ("residents", "小区理事会", "居民自治：自治协调会、意见征集、自治管理费"),
]
DECLINED = [("邻居家装修噪音纠纷", "属于邻里私人纠纷，已转调解员上门调解，不列入议事"),
            ("希望小区门口增设公交站", "需区交通局统筹线路，已向居民说明，暂不列入本次议题")]
ZOUMA_TOPICS = [("楼道保洁轮值安排", "理事会排定每月保洁轮值表，楼栋长督促"),
                ("单元门禁损坏", "理事会出资更换两个单元门禁"),
                ("公共照明电费分摊", "按户分摊，张榜公示"),
                ("老年食堂用餐登记", "理事会安排志愿者协助登记"),
                ("车棚整理", "组织退休职工志愿者清理废旧自行车"),
                ("雨季前排水沟清掏", "理事会联系物业清掏完毕")]
TZ = dt.timezone(dt.timedelta(hours=8))


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class Builder:
    def __init__(self, rng: random.Random, now: dt.datetime):
        self.rng, self.now = rng, now
        self.meetings: list[Meeting] = []
        self.items: list[AgendaItem] = []
        self.attendance: dict[int, list[int]] = {}
        self.links: list[tuple[AgendaItem, AgendaItem]] = []  # (carried, from)

    def meeting(self, series: Series, starts: dt.datetime, status: str = MeetingStatus.HELD,
                scheduled_for: dt.date | None = None) -> Meeting:
        m = Meeting(series=series, area=series.area, title=f"{series.name} {timezone.localtime(starts):%Y-%m-%d}",
                    scheduled_for=scheduled_for, starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=series.duration_minutes), place=series.place,
                    status=status, held_at=starts + dt.timedelta(minutes=series.duration_minutes)
                    if status == MeetingStatus.HELD else None)
        m._items = []
        self.meetings.append(m)
        return m

    def item(self, meeting: Meeting, *, title: str, source: str, outcome: str = "", case: Case | None = None,
             note: str = "", summary: str = "", deadline: dt.date | None = None, by: User | None = None,
             raised_by: Person | None = None, raised_by_user: User | None = None, area: Area | None = None,
             category: Category | None = None) -> AgendaItem:
        item = AgendaItem(meeting=meeting, position=len(meeting._items) + 1, title=title[:100], source=source,
                          outcome=outcome, case=case, outcome_note=note, summary=summary, deadline=deadline,
                          raised_by=raised_by, raised_by_user=raised_by_user,
                          area=area or (case.area if case else None),
                          category=category or (case.category if case else None),
                          handler_level=case.level if case is not None and outcome == Outcome.ASSIGNED else "",
                          handler_department=case.handler_department if case is not None
                          and outcome == Outcome.ASSIGNED else None,
                          recorded_by=by if outcome else None,
                          recorded_at=meeting.starts_at + dt.timedelta(minutes=20 + 5 * len(meeting._items))
                          if outcome else None)
        meeting._items.append(item)
        return item

    def save(self, members: dict[int, list[int]], staff: dict[int, User]) -> None:
        Meeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        for m in self.meetings:
            for item in m._items:
                item.meeting = m
            self.items.extend(m._items)
        AgendaItem.objects.bulk_create(self.items, batch_size=BATCH)
        for carried, origin in self.links:
            carried.carried_from = origin
        AgendaItem.objects.bulk_update([c for c, _o in self.links], ["carried_from"])
        events = []
        for item in self.items:
            actor = staff.get(item.meeting.series_id)
            events.append(ItemEvent(item=item, action="promoted" if item.case_id else "added", actor=actor))
            if item.outcome:
                events.append(ItemEvent(item=item, action="outcome", actor=item.recorded_by, note=item.outcome_note,
                                        data={"outcome": item.outcome}))
        ItemEvent.objects.bulk_create(events, batch_size=BATCH)
        for e in events:  # bulk_create stamped "now": back-date to the meeting
            e.at = e.item.recorded_at if e.action == "outcome" else e.item.meeting.starts_at
        ItemEvent.objects.bulk_update(events, ["at"], batch_size=BATCH)
        rows = []
        for m in self.meetings:
            for n, person_id in enumerate(members.get(m.series_id, [])):
                present = m.status == MeetingStatus.HELD and self.rng.random() < 0.85
                rows.append(Attendance(meeting=m, person_id=person_id, invited=True,
                                       signed_in_at=m.starts_at - dt.timedelta(minutes=10) + dt.timedelta(
                                           minutes=n % 15) if present else None))
        Attendance.objects.bulk_create(rows, batch_size=BATCH)


def _cases(ref: str) -> list[Case]:
    return list(Case.objects.filter(channel=Channel.MEETING, channel_ref=ref)
                .select_related("reporter__person", "category", "area", "handler_department")
                .order_by("created_at", "pk"))


def _add_case_items(b: Builder, meeting: Meeting, cases: list[Case], by: User, rng: random.Random,
                    solved_share: float) -> None:
    for case in cases:
        closed = case.status == Status.CLOSED
        outcome = Outcome.SOLVED if closed and rng.random() < solved_share else Outcome.ASSIGNED
        if outcome == Outcome.SOLVED:
            note = "当场协调，责任单位当场答复并落实"
            deadline = None
        else:
            note = "交办责任单位办理"
            due = case.resolve_due or (meeting.starts_at + dt.timedelta(days=10))
            deadline = timezone.localtime(due).date()
        reporter = case.reporter
        b.item(meeting, title=f"{case.category.name}：{case.description}", source=ItemSource.CASE,
               outcome=outcome, case=case, note=note, deadline=deadline, by=by,
               raised_by=getattr(reporter, "person", None) if reporter else None, raised_by_user=reporter)


def _sessions_for(cases: list[Case], candidates: list[dt.datetime], count: int | None) -> dict[dt.datetime, list]:
    """Each case raised at the latest chosen session not after it (the case was filed at or after the meeting)."""
    first = min(c.created_at for c in cases)
    usable = [s for s in candidates if s <= first][-1:] + [s for s in candidates if s > first]
    if count is not None and len(usable) > count:
        step = (len(usable) - 1) / (count - 1)
        usable = [usable[round(i * step)] for i in range(count)]
    groups: dict[dt.datetime, list] = defaultdict(list)
    for case in cases:
        session = max(s for s in usable if s <= case.created_at)
        groups[session].append(case)
    return groups


def _monthly_sessions(cases: list[Case], hour: int) -> dict[dt.datetime, list]:
    """One session a month: on the day of that month's first case, before it."""
    by_month: dict[tuple[int, int], list[Case]] = defaultdict(list)
    for case in cases:
        local = timezone.localtime(case.created_at)
        by_month[(local.year, local.month)].append(case)
    groups = {}
    for month_cases in by_month.values():
        day = timezone.localtime(month_cases[0].created_at).date()
        groups[_local(day, hour)] = month_cases
    return groups


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=[
        "grid-xinhejie", "community-xiaxinxin", "street-longzhouwan", "community-longjin", "resident-demo",
        "rider-demo", "grid-zouma", "district"]).select_related("person")}


def build_meetings(seed: int, now: dt.datetime | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    now = now or timezone.now()
    users = _users()
    kinds = {code: MeetingKind.objects.create(code=code, name=name, description=desc, order=i)
             for i, (code, name, desc) in enumerate(KINDS)}
    areas = {a.name: a for a in Area.objects.filter(name__in=[
        "新河街网格", "龙洲湾街道", "下新新社区", "走马梁社区", "龙锦社区"])}
    departments = {d.code: d for d in Department.objects.filter(area__code__startswith="500113")}
    series = {
        "fengsi": Series(kind=kinds["fengsi"], name=FENGSI, area=areas["新河街网格"], place="新河街网格党群服务点",
                         recurrence=Recurrence.MONTHLY, day_of_month=4, start_time=dt.time(9, 30),
                         duration_minutes=120, created_by=users["grid-xinhejie"]),
        "roundtable": Series(kind=kinds["roundtable"], name=ROUNDTABLE_NAME, area=areas["龙洲湾街道"],
                             place="龙锦社区新就业群体服务站", recurrence=Recurrence.MONTHLY, day_of_month=20,
                             start_time=dt.time(14, 30), created_by=users["street-longzhouwan"]),
        "joint": Series(kind=kinds["joint"], name=JOINT_CONFERENCE, area=areas["龙洲湾街道"],
                        place="龙洲湾街道三楼会议室",
                        recurrence=Recurrence.MONTHLY, day_of_month=10, start_time=dt.time(14, 30),
                        created_by=users["street-longzhouwan"]),
        "council": Series(kind=kinds["council"], name=COUNCIL_NAME, area=areas["下新新社区"],
                          place="下新新社区党群服务站",
                          recurrence=Recurrence.MONTHLY, day_of_month=25, start_time=dt.time(15, 0),
                          created_by=users["community-xiaxinxin"]),
        "residents": Series(kind=kinds["residents"], name=ZOUMA_COUNCIL, area=areas["走马梁社区"],
                            place="走马二村老年活动室",
                            recurrence=Recurrence.MONTHLY, day_of_month=15, start_time=dt.time(19, 0),
                            duration_minutes=60, created_by=users["grid-zouma"]),
    }
    Series.objects.bulk_create(series.values())
    series["fengsi"].escalates_to = series["council"]
    series["fengsi"].save(update_fields=["escalates_to"])
    # members
    xhj = list(Person.objects.filter(area=areas["新河街网格"]).order_by("pk").values_list("pk", flat=True))
    zouma_council = list(RoleAssignment.objects.filter(role__in=[Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER],
                                                        area=areas["走马梁社区"]).values_list("person_id", flat=True))
    riders = list(Person.objects.filter(worker__in_points_scheme=True, area__code__startswith=areas["龙洲湾街道"].code)
                  .order_by("pk").values_list("pk", flat=True))
    members = {
        series["fengsi"].pk: sorted({users["grid-xinhejie"].person_id, users["resident-demo"].person_id,
                                     *rng.sample(xhj, min(10, len(xhj)))}),
        series["roundtable"].pk: sorted({users["rider-demo"].person_id, *rng.sample(riders, min(12, len(riders)))}),
        series["residents"].pk: sorted(set(zouma_council)),
    }
    through = Series.members.through
    through.objects.bulk_create([through(series_id=s, person_id=p) for s, ids in members.items() for p in ids])
    posts = [d for code, d in departments.items() if code.startswith("lzw-")]
    series["joint"].departments.set(posts)
    series["roundtable"].departments.set([d for d in (departments.get("jiaotong"), departments.get("chengguan"),
                                                       departments.get("lzw-chengguan"), departments.get("lzw-shebao"))
                                          if d])
    series["council"].departments.set([d for d in (departments.get("zhujian"), departments.get("chengguan")) if d])
    staff = {series["fengsi"].pk: users["grid-xinhejie"], series["roundtable"].pk: users["street-longzhouwan"],
             series["joint"].pk: users["street-longzhouwan"], series["council"].pk: users["community-xiaxinxin"],
             series["residents"].pk: users["grid-zouma"]}

    b = Builder(rng, now)
    # 逢四说事: 8 sessions on the 4th (moved to the next working day), the 39 cases, 2 declined, 1 escalated.
    fengsi_cases = _cases(FENGSI)
    fengsi = series["fengsi"]
    first = timezone.localtime(fengsi_cases[0].created_at).date()
    candidates = [_local(actual, 9, 0) for _n, actual in occurrences(
        Recurrence.MONTHLY, first - dt.timedelta(days=45), timezone.localdate(now), day_of_month=4)]
    candidates = [c for c in candidates if c < now - dt.timedelta(hours=3)]
    groups = _sessions_for(fengsi_cases, candidates, FENGSI_SESSIONS)
    sessions = []
    for start in sorted(groups):
        m = b.meeting(fengsi, start, scheduled_for=timezone.localtime(start).date())
        _add_case_items(b, m, groups[start], staff[fengsi.pk], rng, solved_share=0.35)
        sessions.append(m)
    for (title, reason), m in zip(DECLINED, sessions[1:3], strict=False):
        b.item(m, title=title, source=ItemSource.PROPOSAL, outcome=Outcome.DECLINED, note=reason,
               by=staff[fengsi.pk], raised_by=users["resident-demo"].person, raised_by_user=users["resident-demo"],
               area=fengsi.area)
    lift_category = Category.objects.get(code="lift-installation")
    lift = b.item(sessions[-1], title=LIFT_TOPIC, source=ItemSource.PROPOSAL, outcome=Outcome.ESCALATED,
                  note="涉及审批和资金，网格和社区无法解决，提交党群议事会", by=staff[fengsi.pk],
                  raised_by=users["resident-demo"].person, raised_by_user=users["resident-demo"], area=fengsi.area,
                  category=lift_category)

    # 小哥圆桌会 and 联席会议: a session a month over the year of their cases.
    for key, ref, hour, share in (("roundtable", ROUNDTABLE, 14, 0.5), ("joint", JOINT_CONFERENCE, 14, 0.2)):
        for start, cases in sorted(_monthly_sessions(_cases(ref), hour).items()):
            m = b.meeting(series[key], start)
            _add_case_items(b, m, cases, staff[series[key].pk], rng, solved_share=share)

    # 党群议事会: a session two days ago took the escalated lift installation and assigned it; trees pruned.
    council = series["council"]
    council_at = max(_local(timezone.localdate(now) - dt.timedelta(days=2), 15),
                     sessions[-1].starts_at + dt.timedelta(days=1))
    held = council_at < now - dt.timedelta(hours=2)
    cm = b.meeting(council, council_at, status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED)
    b.item(cm, title="小区树木遮挡低层住户采光，需修剪", source=ItemSource.PROPOSAL,
           outcome=Outcome.SOLVED if held else "",
           note="物业公司和园林所列席，当场约定本周内修剪" if held else "", by=staff[council.pk],
           area=fengsi.area, category=Category.objects.filter(code="tree-pruning").first())
    carried = b.item(cm, title=LIFT_TOPIC, source=ItemSource.ESCALATED, raised_by=lift.raised_by,
                     raised_by_user=lift.raised_by_user, area=lift.area, category=lift_category)
    b.links.append((carried, lift))

    # 走马二村小区理事会: 10 self-management coordination meetings over the year; one voted the fee.
    zouma = series["residents"]
    zouma_sessions = []
    for i in range(ZOUMA_MEETINGS):
        day = timezone.localdate(now) - dt.timedelta(days=30 * (ZOUMA_MEETINGS - i) + rng.randint(0, 6))
        m = b.meeting(zouma, _local(day, 19))
        for title, note in rng.sample(ZOUMA_TOPICS, 2):
            b.item(m, title=title, source=ItemSource.FREE, outcome=Outcome.SOLVED, note=note, by=staff[zouma.pk],
                   area=zouma.area)
        zouma_sessions.append(m)
    b.save(members, staff)

    if held:  # the lift installation goes into the loop as the council decided, through the cases services
        _assign_lift(carried, departments.get("zhujian"), users["community-xiaxinxin"], lift_category, council_at)
    _fee_vote(zouma_sessions[3], members[zouma.pk], staff[zouma.pk], rng)
    for s in series.values():
        services.generate(s)
    drives = _opinion_drives(rng, now, users["grid-zouma"], areas["走马梁社区"])
    return {"议事会议": Meeting.objects.filter(series__in=series.values()).count(), "议题": len(b.items),
            "意见征集": drives}


DRIVES = ["走马二村楼栋公共区域整治，大家最关心什么？", "老年食堂和助餐服务，您有什么意见和建议？",
          "小区停车和电动车集中充电设施怎么建？", "自治管理费收支公开，您希望怎么公示？",
          "2026年老旧小区改造（走马二村）先改什么？"]
OPEN_OPINIONS = ["先把3栋的楼道灯和扶手修好", "希望雨棚也一起换了", "电动车充电桩最好装在车棚旁边",
                 "外墙空鼓的地方要先排危", "老年食堂能不能增加送餐上门"]


def _opinion_drives(rng: random.Random, now: dt.datetime, staff: User, community: Area) -> int:
    """Five drives over the year in 走马二村; the opinions the cases demo filed (channel ``opinion``) answer them.

    The last drive is still open, with a few opinions not taken up yet.
    """
    span = dt.timedelta(days=73)
    start = now - dt.timedelta(days=365)
    drives = []
    for i, question in enumerate(DRIVES):
        opens = start + span * i
        closes = opens + span if i < len(DRIVES) - 1 else now + dt.timedelta(days=20)
        drives.append(OpinionDrive(question=question, area=community, opens_at=opens, closes_at=closes,
                                   created_by=staff))
    OpinionDrive.objects.bulk_create(drives)
    residents = list(Person.objects.filter(area__parent=community).order_by("pk").values_list("pk", flat=True))
    used: dict[int, set[int]] = {d.pk: set() for d in drives}
    rows = []
    cases = Case.objects.filter(channel=Channel.OPINION, channel_ref=ZOUMA_COLLECTED).order_by("created_at", "pk")
    for case in cases:
        drive = next((d for d in drives if d.opens_at <= case.created_at < d.closes_at), drives[0])
        person = rng.choice([p for p in residents if p not in used[drive.pk]] or residents)
        used[drive.pk].add(person)
        rows.append(Opinion(drive=drive, person_id=person, text=case.description, case=case, handled_by=staff,
                            handled_at=case.created_at))
    for text in OPEN_OPINIONS:
        person = rng.choice([p for p in residents if p not in used[drives[-1].pk]])
        used[drives[-1].pk].add(person)
        rows.append(Opinion(drive=drives[-1], person_id=person, text=text))
    Opinion.objects.bulk_create(rows, batch_size=BATCH)
    for row in rows:  # bulk_create stamped "now": an opinion came in a little before its case was filed
        row.created_at = (row.case.created_at - dt.timedelta(hours=rng.randint(2, 30)) if row.case_id
                          else now - dt.timedelta(hours=rng.randint(2, 60)))
    Opinion.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
    return len(drives)


def _assign_lift(item: AgendaItem, department: Department | None, user: User, category: Category,
                 at: dt.datetime) -> None:
    # Entered by the council's staff, like every meeting case of the cases demo (no reporter on the case: the
    # proposer hears from the meeting); the report event says who entered it, at the case's own time.
    case = file_case(category=category, channel=Channel.MEETING, description=f"{item.title}（{COUNCIL_NAME}交办）",
                     area=item.area, channel_ref=COUNCIL_NAME, actor=user, event_data={"entered_by": user.pk},
                     reported_at=at + dt.timedelta(minutes=40))  # during the council, in working hours
    transition(case, "accept", user, note="党群议事会受理")
    event = transition(case, "dispatch", user, level=HandlerLevel.DEPARTMENT, unit=department,
                       note="党群议事会交办区住建委，60天内答复")
    case = event.case
    deadline = timezone.localdate() + dt.timedelta(days=60)
    AgendaItem.objects.filter(pk=item.pk).update(
        case=case, outcome=Outcome.ASSIGNED, handler_level=HandlerLevel.DEPARTMENT, handler_department=department,
        deadline=deadline, outcome_note="交区住建委审批加装电梯并协调资金", summary="居民代表、住建委、电梯公司列席",
        recorded_by=user, recorded_at=at + dt.timedelta(minutes=40))
    ItemEvent.objects.create(item=item, action="outcome", actor=user, note="交区住建委审批加装电梯并协调资金",
                             data={"outcome": Outcome.ASSIGNED, "case": case.number})


def _fee_vote(meeting: Meeting, member_ids: list[int], by: User, rng: random.Random) -> None:
    present = list(Attendance.objects.filter(meeting=meeting, signed_in_at__isnull=False)
                   .values_list("person_id", flat=True))
    if len(present) < len(member_ids) // 2 + 1:  # make sure the council had its quorum that evening
        Attendance.objects.filter(meeting=meeting).update(signed_in_at=meeting.starts_at - dt.timedelta(minutes=5))
        present = list(member_ids)
    motion = Motion.objects.create(meeting=meeting, text=FEE_MOTION, rule=VoteRule.MAJORITY,
                                   quorum=len(member_ids) // 2 + 1, created_by=by)
    choices = [VoteChoice.FOR] * len(present)
    if len(present) > 3:
        choices[-1] = VoteChoice.ABSTAIN
    Vote.objects.bulk_create([Vote(motion=motion, person_id=p, choice=c) for p, c in zip(present, choices,
                                                                                         strict=True)])
    Motion.objects.filter(pk=motion.pk).update(
        present=len(present), votes_for=choices.count(VoteChoice.FOR), abstentions=choices.count(VoteChoice.ABSTAIN),
        result=services.tally(present=len(present), votes_for=choices.count(VoteChoice.FOR), against=0,
                              abstain=choices.count(VoteChoice.ABSTAIN), rule=VoteRule.MAJORITY,
                              quorum=len(member_ids) // 2 + 1), closed_at=meeting.starts_at + dt.timedelta(minutes=45))
    assert Motion.objects.get(pk=motion.pk).result == MotionResult.PASSED  # noqa: S101 - the demo's own story


def meetings_figures() -> list[tuple[str, str]]:
    """The article's meeting figures, each one query."""
    rows = []
    for name, label in ((FENGSI, "新河街网格“逢四说事”：会议（次）/ 解决问题（件）"),
                        (ROUNDTABLE_NAME, "“小哥圆桌会”：会议（次）/ 解决问题（件）"),
                        (JOINT_CONFERENCE, "联席会议：会议（次）/ 解决问题（件）"),
                        (ZOUMA_COUNCIL, "走马二村小区理事会：自治协调会（次）")):
        series = Series.objects.filter(name=name).first()
        if series is not None:
            f = figures(series)
            rows.append((label, f"{f.held} / {f.solved}" if name != ZOUMA_COUNCIL else str(f.held)))
    return rows


def delete_meetings(area_ids: list[int], person_ids: list[int]) -> None:
    """Remove the meeting rows of demo places and people (before they go)."""
    series = Series.objects.filter(area_id__in=area_ids)
    meetings = Meeting.objects.filter(Q(area_id__in=area_ids) | Q(series__in=series))
    Vote.objects.filter(Q(motion__meeting__in=meetings) | Q(person_id__in=person_ids)).delete()
    Motion.objects.filter(meeting__in=meetings).delete()
    Attendance.objects.filter(Q(meeting__in=meetings) | Q(person_id__in=person_ids)).delete()
    AgendaItem.objects.filter(meeting__in=meetings).update(carried_from=None)
    AgendaItem.objects.filter(meeting__in=meetings).delete()
    AgendaItem.objects.filter(Q(area_id__in=area_ids) | Q(raised_by_id__in=person_ids)).update(area=None,
                                                                                               raised_by=None)
    meetings.delete()
    Opinion.objects.filter(Q(drive__area_id__in=area_ids) | Q(person_id__in=person_ids)).delete()
    OpinionDrive.objects.filter(area_id__in=area_ids).delete()
    Series.objects.filter(escalates_to__in=series).update(escalates_to=None)
    series.delete()
    MeetingKind.objects.filter(code__in=[c for c, _n, _d in KINDS], series__isnull=True).delete()


__all__ = ["build_meetings", "delete_meetings", "meetings_figures"]
