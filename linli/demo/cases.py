"""Demo cases: a year of the closed loop (随手拍 → 交办 → 处理 → 反馈 → 核查结案 → 评价) in the three streets.

Every case is *played through* the workflow table (``linli.cases.workflow.TRANSITIONS``) by a small
simulator that applies the same side effects as ``linli.cases.services.transition`` (accepted/resolved/
closed times, levels and handlers, fresh deadlines in working time, ratings that reopen a case) and the
same rules as the deadline watch (``linli.cases.deadlines``: overdue is sticky, a case still open
``LINLI_ESCALATE_AFTER_HOURS`` working hours past its deadline goes up one level, by the system).  The
cases, their events and photos are then written in bulk and back-dated, so the loader stays fast while
each case's history reads as if people had really handled it: the status of a case is the ``to_status``
of its last event, every "resolve" carries an after-photo, a verifier never verifies their own work.

The article's case figures are reproduced by query (see ``figures.case_figures``):

- 龙洲湾街道 joint conference (联席会议): 27 problems solved (traffic, sanitation, objects thrown from height);
- the riders' roundtable (小哥圆桌会): 52 urgent problems solved (parking spaces, heat protection …);
- 走马二村: 116 problems collected by building heads and party members and solved;
- 新河街 逢四说事 (talks on every date with a 4): 36 issues solved (occupied common areas, tangled wiring …).

The errands of 走马二村's errand agents (便民代办, "30+ matters": paying bills, certifications) are services,
not reported problems; they are left to the care issue.

Staff who act in the histories and reporters who are not among the ten demo logins get accounts
without a usable password (``demo-…`` usernames) so that the timeline shows who did what.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from linli.cases.models import (
    ESCALATION_ORDER,
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Channel,
    HandlerLevel,
    Rating,
    Status,
)
from linli.cases.workflow import TRANSITIONS, apply
from linli.cases.worktime import WorkCalendar, load_official_holidays
from linli.core.models import User
from linli.people.models import Person, Role, RoleAssignment, WorkerProfile
from linli.places.models import Area, AreaLevel, Building, Department

from .areas import DISTRICT_CODE

BATCH = 500
HOLIDAY_YEARS = (2025, 2026)
DEMO_USER_PREFIX = "demo-"

# The article's meetings and channels, as recorded in ``Case.channel_ref``.
JOINT_CONFERENCE = "龙洲湾街道联席会议"
ROUNDTABLE = "龙锦社区“小哥圆桌会”"
ZOUMA_COLLECTED = "走马二村楼栋长、党员收集"
FENGSI = "新河街网格“逢四说事”"
HOTLINE = "微孝热线"
FIGURE_TARGETS = {JOINT_CONFERENCE: 27, ROUNDTABLE: 52, ZOUMA_COLLECTED: 116, FENGSI: 36}

# Department-level categories of the demo install (the seed leaves them at street level, since departments
# differ from one district to the next).  ``restore_categories`` puts them back when the demo is removed.
DEPARTMENT_CATEGORIES = {
    "outer-wall-hazard": "zhujian",   # 外墙隐患 → 区住建委
    "lift-installation": "zhujian",   # 加装电梯 → 区住建委
    "thrown-objects": "gongan",       # 高空抛物 → 公安分局
    "parking-spaces": "jiaotong",     # 停车位 → 区交通局
    "tree-pruning": "chengguan",      # 树木修剪 → 区城管局（园林）
}
# Where an escalation past the street goes when the category has no department of its own.
ESCALATION_DEPARTMENT = {"wiring": "yingji", "occupied-common-area": "yingji", "sewage-overflow": "chengguan",
                         "pipe-burst": "chengguan", "road-damage": "jiaotong", "pothole": "jiaotong"}


def _seed_levels() -> dict[str, str]:
    """The handler level each category had in the seed catalogue (cases migration 0002)."""
    seed = importlib.import_module("linli.cases.migrations.0002_seed_categories")
    return {code: level for _c, _n, _k, children in seed.CATALOGUE for code, _name, level, *_rest in children}


def assign_departments(departments: dict[str, Department]) -> int:
    """Route the department-level categories to the demo's district departments (unless an admin already
    gave them a department)."""
    changed = 0
    for code, dept_code in DEPARTMENT_CATEGORIES.items():
        changed += Category.objects.filter(code=code, department__isnull=True).update(
            department=departments[dept_code], handler_level=HandlerLevel.DEPARTMENT)
    return changed


def restore_categories(department_ids: list[int]) -> None:
    """Categories routed to demo departments go back to their seed level, without a department."""
    levels = _seed_levels()
    for category in Category.objects.filter(department_id__in=department_ids):
        level = levels.get(category.code, HandlerLevel.STREET)
        category.department = None
        category.handler_level = level if level != HandlerLevel.DEPARTMENT else HandlerLevel.STREET
        category.save(update_fields=["department", "handler_level"])


def delete_cases(area_ids: list[int], department_ids: list[int], person_ids: list[int],
                 street_codes: list[str]) -> None:
    """Remove the cases recorded in the demo district (and, on commit, their photo files), the demo's case counters
    and ``demo-…`` accounts, and give the categories back their seed routing."""
    cases = Case.objects.filter(area_id__in=area_ids)
    files = [f.name for photo in CasePhoto.objects.filter(case__in=cases).only("image", "thumbnail")
             for f in (photo.image, photo.thumbnail) if f]
    storage = CasePhoto._meta.get_field("image").storage
    # The files go once the rows are gone for good (not if the reset fails and rolls back).
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    cases.delete()
    restore_categories(department_ids)
    for code in street_codes:
        CaseCounter.objects.filter(key__startswith=code).delete()
    User.objects.filter(username__startswith=DEMO_USER_PREFIX, person_id__in=person_ids).delete()


# --- texts ----------------------------------------------------------------------------------------------

DESCRIPTIONS: dict[str, list[str]] = {
    "manhole": ["{place}井盖松动，电动车压过去哐哐响", "{place}井盖破了一角，晚上看不清容易踩空",
                "{place}雨水井盖缺失，临时放了个桶"],
    "street-light": ["{place}路灯连续几晚不亮，送餐时很黑", "{place}路灯杆歪了，担心倒下来"],
    "fire-hydrant": ["{place}消防栓被杂物围住了", "{place}消防栓漏水"],
    "utility-box": ["{place}电箱门开着，里面线头露在外面"],
    "road-damage": ["{place}人行道砖松动，下雨踩上去溅一身水", "{place}路面开裂，骑车颠簸"],
    "pothole": ["{place}路面有个大坑，积水看不出深浅", "{place}坑洼越来越大，电动车容易摔"],
    "traffic-sign": ["{place}限速牌被树枝挡住", "{place}斑马线磨得看不见了"],
    "guardrail": ["{place}护栏被撞歪了一段"],
    "litter-bin": ["{place}垃圾桶满了没人清，味道很大", "{place}垃圾箱盖子坏了"],
    "public-toilet": ["{place}公厕水龙头坏了"],
    "street-tree": ["{place}行道树枯死了一棵"],
    "green-space": ["{place}绿化带被踩秃，黄土裸露"],
    "dangerous-house": ["{place}墙面裂缝变宽，居民担心安全"],
    "idle-land": ["{place}空地堆满建筑垃圾"],
    "component-other": ["{place}健身器材坏了，老人用不了"],
    "exposed-garbage": ["{place}有人乱倒垃圾，堆了好几天", "{place}垃圾没清运，苍蝇多"],
    "sanitation-black-spot": ["{place}角落长期脏乱，成了卫生死角", "{place}背街小巷污水横流"],
    "sewage-overflow": ["{place}化粪池冒了，楼下全是臭水", "{place}下水道堵了往外溢"],
    "illegal-ads": ["{place}墙上贴满小广告", "{place}单元门上喷了办证电话"],
    "signboard": ["{place}招牌松了，风一吹就晃"],
    "construction-nuisance": ["{place}工地晚上十一点还在施工", "{place}施工扬尘大，没有覆盖"],
    "muck-spill": ["{place}渣土车撒了一路泥"],
    "street-vending": ["{place}早市占了人行道，轮椅过不去"],
    "illegal-parking": ["{place}车辆乱停，早晚高峰堵死", "{place}车停在消防通道上", "{place}共享单车堆满路口"],
    "road-collapse": ["{place}路面塌了一个洞"],
    "pipe-burst": ["{place}自来水管爆了，水漫到路上"],
    "event-other": ["{place}邻居家狗夜里一直叫，影响休息"],
    "parking-spaces": ["{place}没有临时停车点，骑手送餐只能停路边被贴条", "{place}小区车位太少，晚上停不下",
                       "{place}希望划一些非机动车停放区"],
    "rider-heat-protection": ["{place}夏天中午太热，骑手没地方歇脚喝水", "希望在{place}设骑手爱心驿站，有凉水和充电"],
    "occupied-common-area": ["{place}楼道堆满旧家具纸箱，挡住通道", "{place}消防通道被杂物占了",
                             "{place}有住户在公共区域种菜搭棚"],
    "wiring": ["{place}有人从楼上拉飞线给电动车充电", "{place}楼道里电线、网线缠成一团", "{place}弱电线路杂乱下垂"],
    "lift-installation": ["{place}老人多，居民希望加装电梯", "{place}加装电梯意见不统一，希望社区协调"],
    "tree-pruning": ["{place}树枝伸进窗户，挡光还招虫", "{place}大树枝干枯，担心砸到人"],
    "outer-wall-hazard": ["{place}外墙瓷砖脱落，差点砸到人", "{place}外墙空鼓，雨后有掉渣"],
    "thrown-objects": ["{place}楼上有人往下扔垃圾", "{place}阳台花盆放在外面，担心坠落"],
}
RESOLVE_NOTES: dict[str, str] = {
    "manhole": "已更换新井盖并加固", "street-light": "已更换灯具，恢复照明", "road-damage": "已修补路面",
    "pothole": "已填补坑洼并压实", "illegal-parking": "已劝离车辆并施划禁停标线", "exposed-garbage": "已清运垃圾",
    "sanitation-black-spot": "已清理并纳入每日保洁", "parking-spaces": "已协调增设临时停车点",
    "rider-heat-protection": "爱心驿站已设立，提供饮水、充电和歇脚",
    "occupied-common-area": "已动员住户清理杂物，通道畅通",
    "wiring": "已拆除飞线，引导到集中充电桩充电", "lift-installation": "已完成意见征集并报批，电梯开工",
    "tree-pruning": "已修剪树枝", "outer-wall-hazard": "已排危并修复外墙", "thrown-objects": "已上门宣传并安装监控",
    "sewage-overflow": "已疏通管道并消杀", "illegal-ads": "已清除小广告",
}
ESCALATE_NOTES = {HandlerLevel.COMMUNITY: "涉及多户居民，需社区协调", HandlerLevel.STREET: "需街道协调物业和相关部门",
                  HandlerLevel.DEPARTMENT: "超出街道职权，提请区级部门处理"}
REJECT_NOTES = ["经现场核实，问题不存在", "属于住户家庭内部事务，已告知通过调解途径解决", "信息不全，多次回拨无法联系"]
RATING_NOTES = {Rating.SATISFIED: ["处理很及时，谢谢！", "网格员很负责", ""],
                Rating.BASICALLY: ["解决了，就是慢了点", ""],
                Rating.DISSATISFIED: ["问题又出现了，希望彻底解决", "只是临时处理了一下"]}
PLACE_SUFFIX = ["附近", "楼下", "单元门口", "旁边的路口", "后面"]


# --- the players ------------------------------------------------------------------------------------------

@dataclass
class Cast:
    grid: dict[int, User] = field(default_factory=dict)        # grid id → its full-time grid worker
    community: dict[int, User] = field(default_factory=dict)   # community id → a community staff member
    street: dict[int, User] = field(default_factory=dict)      # street id → a street staff member
    department: dict[int, User] = field(default_factory=dict)  # department id → a handler
    riders: list[User] = field(default_factory=list)
    residents: dict[int, list[User]] = field(default_factory=dict)  # grid id → residents with accounts
    rider_demo: User | None = None
    resident_demo: User | None = None


def _accounts(rng: random.Random, grids: list[Area]) -> Cast:
    """Users for the staff and reporters who appear in the histories (no password for the ``demo-`` ones)."""
    existing = {u.person_id: u for u in User.objects.filter(person__isnull=False).select_related("person")}
    password = make_password(None)
    new: list[User] = []

    def user_for(person: Person, username: str) -> User:
        if person.pk in existing:
            return existing[person.pk]
        u = User(username=username, password=password, first_name=person.name, person=person)
        existing[person.pk] = u
        new.append(u)
        return u

    cast = Cast()
    roles = list(RoleAssignment.objects.current()
                 .filter(Q(area__code__startswith=DISTRICT_CODE) | Q(department__isnull=False))
                 .select_related("person", "area", "department").order_by("id"))
    for r in sorted(roles, key=lambda r: r.person_id not in existing):  # the published logins first
        if r.role == Role.GRID_WORKER and r.area_id not in cast.grid:
            cast.grid[r.area_id] = user_for(r.person, f"demo-grid-{r.area.code}")
        elif r.role == Role.COMMUNITY_STAFF and r.area_id not in cast.community:
            cast.community[r.area_id] = user_for(r.person, f"demo-community-{r.area.code}")
        elif r.role == Role.STREET_STAFF and r.area_id not in cast.street:
            cast.street[r.area_id] = user_for(r.person, f"demo-street-{r.area.code}")
        elif r.role == Role.DEPARTMENT_HANDLER and r.department_id not in cast.department:
            cast.department[r.department_id] = user_for(r.person, f"demo-dept-{r.department.code}")
    cast.rider_demo = User.objects.filter(username="rider-demo").first()
    cast.resident_demo = User.objects.filter(username="resident-demo").first()

    riders = list(WorkerProfile.objects.filter(in_points_scheme=True).exclude(person__user__isnull=False)
                  .select_related("person").order_by("id"))
    for i, wp in enumerate(rng.sample(riders, min(16, len(riders))), start=1):
        cast.riders.append(user_for(wp.person, f"demo-rider-{i:02d}"))
    adult = timezone.localdate() - dt.timedelta(days=25 * 365)
    for grid in grids:
        people = list(Person.objects.filter(household__grid=grid, birth_date__lte=adult)
                      .exclude(user__isnull=False).order_by("id")[:200])
        cast.residents[grid.pk] = [user_for(p, f"demo-resident-{grid.code}-{i}")
                                   for i, p in enumerate(rng.sample(people, min(4, len(people))), start=1)]
    User.objects.bulk_create(new, batch_size=BATCH)
    if cast.resident_demo is not None:
        home = cast.resident_demo.person.household.grid_id
        cast.residents.setdefault(home, []).insert(0, cast.resident_demo)
    return cast


# --- the simulator ------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """How a case's story ends, and what happens on the way."""

    outcome: str                  # a Status value, or "reopened" (dissatisfied, back in progress) / "failed"
    rating: str = ""              # the reporter's rating after closure ("" none)
    redo: bool = False            # rated dissatisfied first, handled again, then closed and rated again
    fail_once: bool = False       # verification failed once, then handled again
    escalations: int = 0          # explicit escalations by the handler
    supervise: bool = False
    late_accept: bool = False
    late_resolve: bool = False
    returned: bool = False        # a department returns it; the dispatcher sends it to the street
    supporters: int = 0           # "me too" from other residents
    reject_reason: str = "invalid"
    photo: bool = False           # the reporter sent a photo
    category: str = ""            # a given category code (else one of the batch's)
    age: tuple[float, float] | None = None  # reported this many days ago (else by outcome)


@dataclass
class PhotoSpec:
    """A photo to store; its UUID (the file name) is random, so a reset never reuses the name of a file
    that is deleted when the reset commits."""

    kind: str
    event: CaseEvent | None
    at: dt.datetime
    uuid: uuid.UUID
    theme: str
    approved: bool = False


@dataclass
class Story:
    case: Case
    plan: Plan
    created: dt.datetime
    rng: random.Random
    t: dt.datetime = None
    events: list[tuple[CaseEvent, dt.datetime]] = field(default_factory=list)
    photos: list[PhotoSpec] = field(default_factory=list)
    resolver: User | None = None
    dispatcher: User | None = None
    batch: Batch | None = None
    duplicate_of: Story | None = None


class Simulator:
    def __init__(self, cast: Cast, cal: WorkCalendar, now: dt.datetime, areas: dict[int, Area],
                 departments: dict[str, Department]):
        self.cast, self.cal, self.now, self.areas, self.departments = cast, cal, now, areas, departments
        self.grace = settings.LINLI_ESCALATE_AFTER_HOURS
        with translation.override("zh-hans"):
            self.auto_note = _("Escalated automatically: overdue.")

    # -- who -----------------------------------------------------------------------------------------------
    def _up(self, area: Area, level: str) -> Area:
        node = area
        while node.level != level:
            node = self.areas[node.parent_id]
        return node

    def actor(self, s: Story, role: str) -> User | None:
        c = s.case
        if role == "dispatcher":
            return s.dispatcher or self.cast.community[self._up(c.area, AreaLevel.COMMUNITY).pk]
        if role == "handler":
            if c.level == HandlerLevel.DEPARTMENT:
                return self.cast.department[c.handler_department.pk]
            table = {HandlerLevel.GRID: self.cast.grid, HandlerLevel.COMMUNITY: self.cast.community,
                     HandlerLevel.STREET: self.cast.street}[c.level]
            return table[c.handler_area.pk]
        if role == "verifier":
            options = [self.cast.grid.get(c.area.pk), self.cast.community[self._up(c.area, AreaLevel.COMMUNITY).pk]]
            return next(u for u in options if u is not None and u != s.resolver)
        if role == "supervisor":
            return self.cast.street[c.street.pk]
        if role == "reporter":
            return c.reporter
        raise ValueError(role)

    # -- routing (as services.route / _dispatch_target) ------------------------------------------------------
    def route(self, c: Case, level: str | None = None, unit: Department | None = None) -> None:
        level = level or c.category.handler_level
        if level == HandlerLevel.DEPARTMENT:
            c.level, c.handler_area, c.handler_department = level, None, unit or c.category.department
        else:
            c.level, c.handler_area, c.handler_department = level, self._up(c.area, level), None

    def escalation_unit(self, c: Case) -> Department | None:
        if c.category.department is not None:
            return c.category.department
        code = ESCALATION_DEPARTMENT.get(c.category.code)
        return self.departments[code] if code else None

    # -- the log ---------------------------------------------------------------------------------------------
    def log(self, s: Story, action: str, at: dt.datetime, actor: User | None, before: str, note: str = "",
            data: dict | None = None) -> CaseEvent:
        event = CaseEvent(case=s.case, action=action, from_status=before, to_status=s.case.status, actor=actor,
                          note=note, data=data or {})
        s.events.append((event, at))
        s.t = at
        return event

    def watch(self, s: Story, until: dt.datetime) -> None:
        """What the deadline watch (every ten minutes) would have done before ``until``."""
        c = s.case
        while True:
            if not c.overdue:
                due = c.accept_due if c.status == Status.REPORTED else (
                    c.resolve_due if c.status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS) else None)
                if due is not None and due < until:
                    c.overdue = True
                    kind = "accept" if c.status == Status.REPORTED else "resolve"
                    self.log(s, "overdue", self._seen(s, due, until), None, c.status, data={"deadline": kind})
                    continue
            if c.status in (Status.DISPATCHED, Status.IN_PROGRESS) and c.level != HandlerLevel.DEPARTMENT:
                # The system escalates only to the category's own department (services._dispatch_target).
                at = self.cal.add_hours(c.resolve_due, self.grace)
                nxt = ESCALATION_ORDER[ESCALATION_ORDER.index(c.level) + 1]
                if at <= until and (nxt != HandlerLevel.DEPARTMENT or c.category.department is not None):
                    self.escalate(s, self._seen(s, at, until), None, self.auto_note)
                    continue
            return

    @staticmethod
    def _seen(s: Story, due: dt.datetime, until: dt.datetime) -> dt.datetime:
        """When the watch (every ten minutes) noticed a deadline: soon after it, never after ``until``."""
        return min(max(due, s.t) + dt.timedelta(minutes=1), until - dt.timedelta(seconds=1))

    def escalate(self, s: Story, at: dt.datetime, actor: User | None, note: str) -> None:
        c = s.case
        before, previous = c.status, c.resolve_due
        nxt = ESCALATION_ORDER[ESCALATION_ORDER.index(c.level) + 1]
        self.route(c, nxt, self.escalation_unit(c) if nxt == HandlerLevel.DEPARTMENT else None)
        apply(c, TRANSITIONS["escalate"], at, self.cal)
        self.log(s, "escalate", at, actor, before, note,
                 {"level": nxt, "previous_due": previous.isoformat() if previous else None})

    # -- one step of the table --------------------------------------------------------------------------------
    def step(self, s: Story, action: str, role: str, hours: float, *, real: bool = False, note: str = "",
             **params) -> CaseEvent | None:
        at = s.t + dt.timedelta(hours=hours) if real else self.cal.add_hours(s.t, hours)
        at = max(at, s.t + dt.timedelta(minutes=1))
        self.watch(s, at)
        c = s.case
        rule = TRANSITIONS[action]
        if c.status not in rule.sources:
            if action == "start":  # e.g. escalated in the meantime and resolved straight away
                return None
            raise AssertionError(f"demo case story: {action} from {c.status}")
        actor = self.actor(s, role)
        if action == "escalate":
            self.escalate(s, at, actor, note)
            return s.events[-1][0]
        before, data = c.status, {}
        if action == "reject":
            data["reason"] = params.get("reason", "invalid")
        elif action == "dispatch":
            self.route(c, params.get("level"), params.get("unit"))
            data["level"] = c.level
        elif action == "resolve":
            s.resolver = actor
        elif action == "rate":
            data["rating"] = params["rating"]
        apply(c, rule, at, self.cal, rating=params.get("rating") if action == "rate" else None)
        event = self.log(s, action, at, actor, before, note, data)
        if action == "resolve":
            s.photos.append(PhotoSpec(CasePhoto.Kind.RESULT, event, at, uuid.uuid4(), "after"))
        return event

    # -- a whole story -------------------------------------------------------------------------------------
    def play(self, s: Story, entered_by: User | None, data: dict) -> None:
        c, p, r = s.case, s.plan, s.rng
        c.accept_due = self.cal.add_hours(s.created, c.category.accept_hours)
        self.route(c)
        s.t = s.created
        self.log(s, "report", s.created, entered_by if entered_by else c.reporter, "", data=data)
        if p.photo:
            s.photos.append(PhotoSpec(CasePhoto.Kind.REPORT, None, s.created, uuid.uuid4(), "before"))
        for supporter in self.supporters(s):
            at = s.t + dt.timedelta(hours=r.uniform(0.2, 1.5))
            c.supporters += 1
            self.log(s, "support", at, supporter, c.status)
        if p.outcome == Status.REPORTED:
            return self.finish(s)
        accept_hours = c.category.accept_hours
        hours = accept_hours + r.uniform(0.5, 3) if p.late_accept else r.uniform(0.1, 0.8) * accept_hours
        if p.outcome == Status.REJECTED:
            reason = p.reject_reason
            self.step(s, "reject", "dispatcher", hours, note="与已受理案件重复，已合并处理" if reason == "duplicate"
                      else r.choice(REJECT_NOTES), reason=reason)
            return self.finish(s)
        self.step(s, "accept", "dispatcher", hours)
        if p.outcome == Status.ACCEPTED:
            return self.finish(s)
        self.step(s, "dispatch", "dispatcher", r.uniform(0.05, 0.5))
        if p.returned and c.level == HandlerLevel.DEPARTMENT:
            self.step(s, "return", "handler", r.uniform(1, 6), note="该问题不属本部门职责，请改派街道统筹处理")
            self.step(s, "dispatch", "dispatcher", r.uniform(0.2, 2), level=HandlerLevel.STREET)
        if p.supervise and p.outcome not in (Status.CLOSED,):
            self.step(s, "supervise", "supervisor", r.uniform(1, 8), note="街道督办：请在期限内办结并反馈")
        if p.outcome == Status.DISPATCHED and not p.escalations:
            return self.finish(s)
        self.step(s, "start", "handler", r.uniform(0.2, 3), note=r.choice(["已到现场查看", "已联系报告人了解情况", ""]))
        for k in range(p.escalations):
            if c.level == HandlerLevel.DEPARTMENT:
                break
            nxt = ESCALATION_ORDER[ESCALATION_ORDER.index(c.level) + 1]
            if nxt == HandlerLevel.DEPARTMENT and self.escalation_unit(c) is None:
                break
            self.step(s, "escalate", "handler", r.uniform(1, 10), note=ESCALATE_NOTES[nxt])
            if p.outcome == Status.DISPATCHED and k == p.escalations - 1:
                break
            self.step(s, "start", "handler", r.uniform(0.5, 4))
        if p.supervise and p.outcome == Status.CLOSED:
            self.step(s, "supervise", "supervisor", r.uniform(1, 8), note="街道督办：请在期限内办结并反馈")
        if p.outcome in (Status.DISPATCHED, Status.IN_PROGRESS):
            return self.finish(s)
        self.resolve(s, late=p.late_resolve)
        if p.fail_once or p.outcome == "failed":
            self.step(s, "fail_verification", "verifier", r.uniform(1, 8), note="复核发现问题仍未彻底解决，请重新处理")
            if p.outcome == "failed":
                return self.finish(s)
            self.resolve(s, late=False)
        if p.outcome == Status.RESOLVED:
            return self.finish(s)
        self.step(s, "verify", "verifier", r.uniform(1, 8), note=r.choice(["现场核查属实，已解决", ""]))
        if p.outcome == Status.VERIFIED:
            return self.finish(s)
        self.step(s, "close", "dispatcher", r.uniform(0.2, 4))
        if p.redo or p.outcome == "reopened":
            self.rate(s, Rating.DISSATISFIED)
            if p.outcome == "reopened":
                return self.finish(s)
            self.resolve(s, late=False)
            self.step(s, "verify", "verifier", r.uniform(1, 8))
            self.step(s, "close", "dispatcher", r.uniform(0.2, 4))
        if p.rating:
            self.rate(s, p.rating)
        self.finish(s)

    def resolve(self, s: Story, late: bool) -> None:
        c, r = s.case, s.rng
        window = self.cal.working_hours_between(s.t, c.resolve_due) if c.resolve_due else 20
        hours = window + r.uniform(1, 6) if late else max(0.3, r.uniform(0.15, 0.85) * window)
        self.step(s, "resolve", "handler", hours, note=RESOLVE_NOTES.get(c.category.code, "已处理完毕，现场已恢复"))

    def rate(self, s: Story, rating: str) -> None:
        self.step(s, "rate", "reporter", s.rng.uniform(1, 40), real=True, note=s.rng.choice(RATING_NOTES[rating]),
                  rating=rating)

    def supporters(self, s: Story) -> list[User]:
        if not s.plan.supporters or s.case.area.pk not in self.cast.residents:
            return []
        pool = [u for u in self.cast.residents[s.case.area.pk] + self.cast.riders if u != s.case.reporter]
        return s.rng.sample(pool, min(s.plan.supporters, len(pool)))

    def finish(self, s: Story) -> None:
        if s.case.status not in (Status.CLOSED, Status.REJECTED):
            self.watch(s, self.now)


# --- what happens in the three streets ------------------------------------------------------------------------

STREET_CATEGORIES = {
    # h5 by riders in 龙洲湾: what they see on the road
    "riders": ["manhole", "pothole", "road-damage", "street-light", "illegal-parking", "exposed-garbage",
               "sanitation-black-spot", "traffic-sign", "guardrail", "illegal-ads", "litter-bin", "parking-spaces"],
    # h5 by residents: what they see at home
    "residents": ["manhole", "street-light", "occupied-common-area", "wiring", "sewage-overflow", "tree-pruning",
                  "exposed-garbage", "illegal-ads", "outer-wall-hazard", "thrown-objects", "construction-nuisance",
                  "green-space", "litter-bin", "event-other"],
    "hotline": ["pipe-burst", "sewage-overflow", "wiring", "thrown-objects", "occupied-common-area", "street-light",
                "outer-wall-hazard", "event-other"],
    "wechat": ["occupied-common-area", "illegal-parking", "exposed-garbage", "tree-pruning", "wiring",
               "street-vending"],
    "opinion": ["lift-installation", "parking-spaces", "green-space", "component-other"],
    "patrol": ["illegal-ads", "exposed-garbage", "sanitation-black-spot", "street-vending", "illegal-parking",
               "occupied-common-area", "litter-bin", "fire-hydrant", "muck-spill"],
    "open311": ["pothole", "street-light", "road-damage", "signboard", "idle-land"],
    JOINT_CONFERENCE: ["illegal-parking", "illegal-parking", "traffic-sign", "exposed-garbage", "sanitation-black-spot",
                       "thrown-objects", "road-damage"],
    ROUNDTABLE: ["parking-spaces", "parking-spaces", "rider-heat-protection", "rider-heat-protection", "street-light",
                 "road-damage", "illegal-parking"],
    ZOUMA_COLLECTED: ["occupied-common-area", "wiring", "sewage-overflow", "public-toilet", "green-space",
                      "street-light", "litter-bin", "outer-wall-hazard", "lift-installation", "tree-pruning",
                      "dangerous-house", "component-other"],
    FENGSI: ["occupied-common-area", "occupied-common-area", "wiring", "wiring", "sanitation-black-spot",
             "tree-pruning"],
}

# Open stories, cycled through for the everyday channels; closed ones are the rest.
OPEN_CYCLE = [
    Plan(Status.REPORTED), Plan(Status.ACCEPTED), Plan(Status.DISPATCHED), Plan(Status.IN_PROGRESS),
    Plan(Status.RESOLVED), Plan(Status.VERIFIED), Plan("reopened"), Plan(Status.IN_PROGRESS, supervise=True),
    Plan("failed"), Plan(Status.DISPATCHED, escalations=2), Plan(Status.REPORTED, late_accept=True),
    Plan(Status.IN_PROGRESS, late_resolve=True),
]


@dataclass
class Batch:
    key: str            # a STREET_CATEGORIES key
    grids: list[Area]
    channel: str
    count: int
    open_share: float = 0.3
    channel_ref: str = ""
    reporters: str = ""  # "riders" | "residents" | "staff" | ""
    entered_by: str = ""  # "grid" | "community" | "street" | "" (staff intake, recorded in the report event)
    closed_exact: int | None = None  # the figure: exactly this many closed, the rest open
    days: tuple[int, int] = (25, 360)  # closed stories: reported this many days ago
    dates: str = ""     # "fengsi": only dates with a 4; "monthly": meeting days
    plans: list[Plan] | None = None  # given stories instead of the usual mix


class DemoCases:
    def __init__(self, seed: int, now: dt.datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.stories: list[Story] = []

    def load(self) -> int:
        for year in HOLIDAY_YEARS:
            load_official_holidays(year)
        departments = {d.code: d for d in Department.objects.filter(area__code__startswith=DISTRICT_CODE)}
        assign_departments(departments)
        self.categories = {c.code: c for c in
                           Category.objects.select_related("department").filter(parent__isnull=False)}
        areas = {a.pk: a for a in Area.objects.under(DISTRICT_CODE)}
        self.grids = {a.name: a for a in areas.values() if a.level == AreaLevel.GRID}
        self.buildings: dict[int, list[Building]] = defaultdict(list)
        for b in Building.objects.filter(grid__in=self.grids.values()).order_by("id"):
            self.buildings[b.grid_id].append(b)
        grids = sorted(self.grids.values(), key=lambda g: g.code)
        self.cast = _accounts(self.rng, grids)
        self.sim = Simulator(self.cast, WorkCalendar(), self.now, areas, departments)
        for batch in self.batches():
            self.play_batch(batch)
        self.duplicates()
        self.moderation()
        return self.save()

    # -- the year -------------------------------------------------------------------------------------------
    def batches(self) -> list[Batch]:
        g = self.grids
        lzw = [a for a in g.values() if a.code.startswith(DISTRICT_CODE + "001")]
        longjin = [a for a in lzw if a.name.startswith("龙锦")]
        zouma = [g["走马二村第一网格"], g["走马二村第二网格"]]
        xxx = [a for a in g.values() if a.code.startswith(DISTRICT_CODE + "003")]
        xhj = [g["新河街网格"]]
        others = [a for a in xxx if a not in xhj]
        return [
            # The article's figures.
            Batch(JOINT_CONFERENCE, lzw, Channel.MEETING, 29, channel_ref=JOINT_CONFERENCE, entered_by="street",
                  closed_exact=27, dates="monthly"),
            Batch(ROUNDTABLE, longjin, Channel.MEETING, 55, channel_ref=ROUNDTABLE, entered_by="community",
                  closed_exact=52, dates="monthly"),
            Batch(ZOUMA_COLLECTED, zouma, Channel.OPINION, 82, channel_ref=ZOUMA_COLLECTED, entered_by="grid",
                  closed_exact=79),
            Batch(ZOUMA_COLLECTED, zouma, Channel.WECHAT, 38, channel_ref=ZOUMA_COLLECTED, entered_by="grid",
                  closed_exact=37),
            Batch(FENGSI, xhj, Channel.MEETING, 39, channel_ref=FENGSI, entered_by="grid", closed_exact=36,
                  dates="fengsi"),
            # Everyday reports.
            Batch("riders", lzw, Channel.H5, 52, reporters="riders"),
            Batch("residents", lzw, Channel.H5, 10, reporters="residents"),
            Batch("residents", zouma, Channel.H5, 18, reporters="residents"),
            Batch("residents", xhj, Channel.H5, 16, reporters="residents"),
            Batch("residents", others, Channel.H5, 16, reporters="residents"),
            Batch("hotline", xxx, Channel.HOTLINE, 18, channel_ref=HOTLINE, entered_by="community"),
            Batch("wechat", lzw, Channel.WECHAT, 6, channel_ref="龙锦社区居民群", entered_by="community"),
            Batch("wechat", xxx, Channel.WECHAT, 8, channel_ref="下新新社区邻里群", entered_by="community"),
            Batch("opinion", lzw + xxx, Channel.OPINION, 8, channel_ref="2026年老旧小区改造意见征集",
                  entered_by="community"),
            Batch("patrol", lzw + zouma + xxx, Channel.PATROL, 24, reporters="staff"),
            # Something in grid-xinhejie's inbox today: her own patrol finds and a resident's report to verify.
            Batch("patrol", xhj, Channel.PATROL, 3, reporters="staff", plans=[
                Plan(Status.IN_PROGRESS, category="occupied-common-area", age=(0.5, 1.5)),
                Plan(Status.DISPATCHED, category="illegal-ads", age=(0.1, 0.8)),
                Plan(Status.IN_PROGRESS, category="litter-bin", supervise=True, age=(0.8, 1.6)),
            ]),
            Batch("residents", xhj, Channel.H5, 1, reporters="residents", plans=[
                Plan(Status.RESOLVED, category="wiring", age=(0.5, 1.5), photo=True)]),
            Batch("open311", lzw + xxx, Channel.OPEN311, 6, channel_ref="cq-12345-app"),
        ]

    def created_at(self, batch: Batch, plan: Plan, r: random.Random, earlier: float = 0) -> dt.datetime:
        """When the case came in: open ones recently, closed ones any time in the past year; ``earlier``
        (days) moves it back when its story would not have happened by now."""
        open_days = {Status.REPORTED: (0.02, 1.2), Status.ACCEPTED: (0.1, 2), Status.DISPATCHED: (0.3, 3),
                     Status.IN_PROGRESS: (1, 4), Status.RESOLVED: (2, 6), Status.VERIFIED: (3, 7),
                     "reopened": (8, 25), "failed": (4, 10)}
        if plan.age is not None:
            lo, hi = plan.age
        elif plan.outcome in open_days:
            lo, hi = open_days[plan.outcome]
            if plan.escalations or plan.late_resolve:
                lo, hi = 10, 25
            if plan.late_accept:
                lo, hi = 1.5, 4
        else:
            lo, hi = batch.days
        day = self.now - dt.timedelta(days=r.uniform(lo, hi) + earlier)
        tz = timezone.get_current_timezone()
        if batch.dates == "fengsi":  # 逢四说事: the 4th, 14th or 24th before, 9:30 in the morning
            d = timezone.localtime(day).date()
            if d.day < 4:
                d = (d.replace(day=1) - dt.timedelta(days=1)).replace(day=24)
            else:
                d = d.replace(day=max(n for n in (4, 14, 24) if n <= d.day))
            day = dt.datetime.combine(d, dt.time(9, 30), tzinfo=tz) + dt.timedelta(minutes=r.randint(0, 90))
        elif batch.dates == "monthly":  # a meeting in the afternoon of a working day
            d = timezone.localtime(day).date()
            while not self.sim.cal.is_workday(d):
                d -= dt.timedelta(days=1)
            day = dt.datetime.combine(d, dt.time(14, 30), tzinfo=tz) + dt.timedelta(minutes=r.randint(0, 120))
        elif batch.channel in (Channel.HOTLINE, Channel.PATROL, Channel.OPINION):  # taken in office hours
            day = timezone.localtime(day).replace(hour=r.randint(9, 17), minute=r.randint(0, 59))
        while day > self.now - dt.timedelta(minutes=30):
            day -= dt.timedelta(days=1)
        return day

    def plans(self, batch: Batch) -> list[Plan]:
        r = self.rng
        if batch.plans is not None:
            return list(batch.plans)
        n_closed = batch.closed_exact if batch.closed_exact is not None else round(batch.count * (1 - batch.open_share))
        rated = batch.reporters in ("riders", "residents")
        plans = []
        for i in range(n_closed):
            x = r.random()
            rating = ""
            if rated:
                rating = Rating.SATISFIED if x < 0.55 else Rating.BASICALLY if x < 0.85 else ""
            redo = rated and i % 9 == 5
            if redo and i % 2:  # rated dissatisfied, handled again and closed, not rated again
                rating = ""
            plans.append(Plan(Status.CLOSED, rating=rating, redo=redo,
                              fail_once=i % 23 == 7, escalations=3 if i % 23 == 3 else 1 if i % 19 == 4 else 0,
                              supervise=i % 29 == 11, late_accept=r.random() < 0.06, late_resolve=r.random() < 0.08,
                              returned=i % 13 == 6, photo=batch.channel == Channel.H5 and r.random() < 0.4))
        n_open = batch.count - n_closed
        if batch.closed_exact is None and batch.count >= 12:
            # rejected reports are closed too, but not solved
            for reason in ("invalid", "invalid"):
                plans.append(Plan(Status.REJECTED, reject_reason=reason))
                n_open -= 1
        start = r.randrange(len(OPEN_CYCLE))
        for i in range(max(0, n_open)):
            base = OPEN_CYCLE[(start + i) % len(OPEN_CYCLE)]
            if base.outcome == "reopened" and not rated:  # only a reporter can rate: reopened by the verifier
                base = Plan("failed")
            plans.append(Plan(**{**base.__dict__, "photo": batch.channel == Channel.H5 and r.random() < 0.5,
                                 "supporters": 1 if batch.channel == Channel.H5 and i % 3 == 0 else 0}))
        return plans

    def place(self, grid: Area, r: random.Random) -> tuple[float, float, str]:
        b = r.choice(self.buildings[grid.pk])
        lat = round(b.lat + r.uniform(-8e-5, 8e-5), 6)
        lng = round(b.lng + r.uniform(-8e-5, 8e-5), 6)
        return lat, lng, f"{b.address}{r.choice(PLACE_SUFFIX)}"

    def play_batch(self, batch: Batch) -> None:
        cats = STREET_CATEGORIES[batch.key]
        for plan in self.plans(batch):
            r = random.Random(self.rng.getrandbits(64))
            grid = r.choice(batch.grids)
            category = self.categories[plan.category or r.choice(cats)]
            self.story(batch, plan, grid, category, r)

    def _reporter(self, batch: Batch, grid: Area, r: random.Random) -> User | None:
        if batch.reporters == "riders":
            pool = self.cast.riders + ([self.cast.rider_demo] * 4 if self.cast.rider_demo else [])
            return r.choice(pool)
        if batch.reporters == "residents":
            return r.choice(self.cast.residents[grid.pk])
        if batch.reporters == "staff":
            return self.cast.grid[grid.pk]
        return None

    def story(self, batch: Batch, plan: Plan, grid: Area, category: Category, r: random.Random,
              created: dt.datetime | None = None, where: tuple[float, float, str] | None = None,
              reporter: User | None = None, duplicate_of: Story | None = None) -> Story:
        reporter = reporter or self._reporter(batch, grid, r)
        lat, lng, address = where or self.place(grid, r)
        description = r.choice(DESCRIPTIONS.get(category.code, ["{place}有问题需要处理"])).format(place=address)
        street = self.sim._up(grid, AreaLevel.STREET)
        community = self.sim._up(grid, AreaLevel.COMMUNITY)
        entered_by = {"grid": self.cast.grid.get(grid.pk), "community": self.cast.community.get(community.pk),
                      "street": self.cast.street.get(street.pk)}.get(batch.entered_by)
        caller, phone = "", ""
        if batch.channel == Channel.HOTLINE:
            resident = r.choice(list(Person.objects.filter(household__grid=grid).exclude(mobile="")
                                     .order_by("id").values_list("name", "mobile")[:60]))
            caller, phone = resident
            lat = lng = None  # a phone call gives an address, not coordinates
            description = f"来电反映：{description}"
        case = Case(category=category, channel=batch.channel, channel_ref=batch.channel_ref, description=description,
                    lat=lat, lng=lng, address=address, area=grid, street=street, reporter=reporter,
                    caller_name=caller, callback_phone=phone)
        data = {"channel": batch.channel}
        if batch.channel in (Channel.H5, Channel.PATROL):
            data["location"] = "gps" if r.random() < 0.8 else "map"
        elif lat is not None:
            data["location"] = "map"
        if entered_by is not None:
            data["entered_by"] = entered_by.pk
        when_seed, story_seed, earlier = r.getrandbits(64), r.getrandbits(64), 0.0
        for attempt in range(12):  # the whole story must have happened by now: else start it a little earlier
            when = created or self.created_at(batch, plan, random.Random(when_seed), earlier)
            s = Story(Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}), plan, when,
                      random.Random(story_seed))
            s.case.category, s.case.area, s.case.street, s.case.reporter = category, grid, street, reporter
            if batch.key == JOINT_CONFERENCE:
                s.dispatcher = self.cast.street[street.pk]
            self.sim.play(s, entered_by, data)
            if created is not None or s.t <= self.now - dt.timedelta(minutes=5):
                break
            earlier += (s.t - self.now).total_seconds() / 86400 + 0.5 * (attempt + 1)
        if s.t > self.now:
            raise RuntimeError(f"demo case story ends in the future: {plan}")
        s.batch, s.duplicate_of = batch, duplicate_of
        self.stories.append(s)
        return s

    def duplicates(self) -> None:
        """A few reports of a problem already reported nearby, rejected as duplicates of the first."""
        candidates = [s for s in self.stories if s.case.channel == Channel.H5 and s.case.lat is not None
                      and s.case.status == Status.CLOSED]
        for original in self.rng.sample(candidates, 6):
            r = random.Random(self.rng.getrandbits(64))
            first_closed = next(at for e, at in original.events if e.action in ("resolve", "close"))
            at = original.created + min((first_closed - original.created) * r.uniform(0.1, 0.5),
                                        dt.timedelta(days=r.uniform(0.2, 6)))
            c = original.case
            where = (round(c.lat + r.uniform(-1e-4, 1e-4), 6), round(c.lng + r.uniform(-1e-4, 1e-4), 6), c.address)
            reporter = next(u for u in self.cast.residents.get(c.area.pk, []) + self.cast.riders if u != c.reporter)
            self.story(original.batch, Plan(Status.REJECTED, reject_reason="duplicate"), c.area, c.category, r,
                       created=at, where=where, reporter=reporter, duplicate_of=original)
            original.case.supporters += 1

    def moderation(self) -> None:
        """Staff approve some after-photos for the public page, and hide one case that names a neighbour."""
        closed = [s for s in self.stories if s.case.status == Status.CLOSED]
        for i, s in enumerate(closed):
            for photo in s.photos:
                if (photo.kind == CasePhoto.Kind.RESULT and i % 4 == 0) or (photo.kind == CasePhoto.Kind.REPORT
                                                                          and i % 3 == 0):
                    photo.approved = True
                    s.events.append((CaseEvent(case=s.case, action="moderate", from_status=s.case.status,
                                               to_status=s.case.status, actor=self.sim.actor(s, "dispatcher"),
                                               data={"what": "approve_photo", "photo": str(photo.uuid)}),
                                     s.events[-1][1] + dt.timedelta(minutes=30)))
        hidden = next(s for s in closed if s.case.category.code == "event-other" or s.case.channel == Channel.HOTLINE)
        hidden.case.public_hidden = True
        hidden.case.public_hidden_reason = "描述中涉及邻居个人信息"
        hidden.events.append((CaseEvent(case=hidden.case, action="moderate", from_status=hidden.case.status,
                                        to_status=hidden.case.status, actor=self.sim.actor(hidden, "dispatcher"),
                                        note=hidden.case.public_hidden_reason, data={"what": "hide_case"}),
                              hidden.events[-1][1] + dt.timedelta(minutes=20)))

    # -- writing -----------------------------------------------------------------------------------------------
    def save(self) -> int:
        stories = sorted(self.stories, key=lambda s: s.created)
        counters: dict[str, int] = defaultdict(int)
        for s in stories:
            key = f"{s.case.street.code}{timezone.localtime(s.created):%Y%m%d}"
            counters[key] += 1
            s.case.number = f"{key}{counters[key]:04d}"
        cases = Case.objects.bulk_create([s.case for s in stories], batch_size=BATCH)
        for s in stories:  # bulk_create stamped "now": back-date
            s.case.created_at = s.created
            s.case.updated_at = max(at for _e, at in s.events)
            if s.duplicate_of is not None:
                s.case.duplicate_of = s.duplicate_of.case
        _set(Case, ["created_at", "updated_at", "duplicate_of"],
             [(s.case.pk, s.case.created_at, s.case.updated_at, s.case.duplicate_of_id) for s in stories])
        events = [(e, at) for s in stories for e, at in sorted(s.events, key=lambda p: p[1])]
        for e, _at in events:
            e.case_id = e.case.pk
        CaseEvent.objects.bulk_create([e for e, _at in events], batch_size=BATCH)
        for e, at in events:
            e.at = at
        _set(CaseEvent, ["at"], [(e.pk, at) for e, at in events])
        self.save_photos(stories)
        CaseCounter.objects.bulk_create([CaseCounter(key=k, last=n) for k, n in counters.items()],
                                        update_conflicts=True, unique_fields=["key"], update_fields=["last"])
        return len(cases)

    def save_photos(self, stories: list[Story]) -> None:
        images = demo_images()
        rows = []
        for s in stories:
            for spec in s.photos:
                full, thumb = images[(spec.theme, s.case.category.code == "manhole")]
                photo = CasePhoto(uuid=spec.uuid, case=s.case, event=spec.event, kind=spec.kind, width=320,
                                  height=240, public_approved=spec.approved)
                photo.image.save(f"{spec.uuid}.jpg", ContentFile(full), save=False)
                photo.thumbnail.name = default_storage.save(f"cases/thumbs/{spec.uuid}.jpg", ContentFile(thumb))
                photo.demo_at = spec.at
                rows.append(photo)
        CasePhoto.objects.bulk_create(rows, batch_size=BATCH)
        for photo in rows:
            photo.created_at = photo.demo_at
        _set(CasePhoto, ["created_at"], [(p.pk, p.created_at) for p in rows])


def _set(model, names: list[str], rows: list[tuple]) -> None:
    """Back-date rows by primary key in one prepared statement (``auto_now_add`` fields ignore given values)."""
    fields = [model._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    # Only quoted table and column names of our own models go into the text; every value is a parameter.
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "  # noqa: S608
           f"WHERE {qn(model._meta.pk.column)} = %s")
    params = [[f.get_db_prep_value(v, connection) for f, v in zip(fields, values, strict=True)] + [pk]
              for pk, *values in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def demo_images() -> dict[tuple[str, bool], tuple[bytes, bytes]]:
    """Small drawn JPEGs (no one in them): a problem and its fix, for manholes and for everything else."""
    out = {}
    for theme in ("before", "after"):
        for manhole in (True, False):
            image = Image.new("RGB", (320, 240), (88, 92, 96) if manhole else (170, 190, 160))
            d = ImageDraw.Draw(image)
            d.rectangle((0, 170, 320, 240), fill=(60, 62, 66))
            if manhole:
                d.ellipse((110, 80, 210, 160), fill=(40, 40, 42), outline=(20, 20, 20), width=4)
                if theme == "before":
                    d.polygon([(150, 80), (210, 120), (170, 160)], fill=(12, 12, 14))
                else:
                    for k in range(5):
                        d.line((120, 95 + 12 * k, 200, 95 + 12 * k), fill=(70, 70, 74), width=3)
            elif theme == "before":
                for k in range(9):
                    x, y = 30 + 31 * k, 120 + (k * 37) % 50
                    d.rectangle((x, y, x + 26, y + 22), fill=(120 + 12 * k % 90, 90, 60))
            else:
                d.rectangle((40, 60, 280, 165), outline=(240, 240, 240), width=3)
            full, thumb = io.BytesIO(), io.BytesIO()
            image.save(full, "JPEG", quality=70)
            image.resize((160, 120)).save(thumb, "JPEG", quality=70)
            out[(theme, manhole)] = (full.getvalue(), thumb.getvalue())
    return out


def build_cases(seed: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Load the demo cases; returns counts for the summary."""
    n = DemoCases(seed, now).load()
    return {"案件": n, "案件照片": CasePhoto.objects.filter(case__area__code__startswith=DISTRICT_CODE).count()}


def street_codes() -> list[str]:
    return list(Area.objects.filter(level=AreaLevel.STREET, code__startswith=DISTRICT_CODE)
                .values_list("code", flat=True))


