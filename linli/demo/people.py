"""The demo's invented people and the parts they play in the article.

``Census`` makes people (unsaved ``Person`` objects) and fills every home of a grid with families
whose ages follow the grid's profile (e.g. over 30 % aged 60+ in 新河街).  The ``cast_*`` functions
then pick, from those residents, the people the article names — building heads, council members,
guardians, volunteers, party members — and make the new-employment workers of 龙洲湾, returning the
role, party, worker and training rows to be bulk-created once the people are saved.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from linli.people.models import (
    ContributionEntry,
    Occupation,
    PartyRecord,
    PartyStage,
    Person,
    Role,
    RoleAssignment,
    Training,
    TrainingKind,
    WorkerProfile,
)
from linli.places.models import Area, Household

from .areas import Places
from .names import NameMaker
from .orgs import Orgs, central_households

TERM_START = dt.date(2023, 1, 1)
RIDER_TEAM = "先锋骑士志愿服务队"
ZOUMA_TEAM = "走马二村退休职工志愿者服务队"
RED_LANTERN = "红灯笼志愿服务队"


def birth_for_age(today: dt.date, age: int, rng: random.Random) -> dt.date:
    """A birth date at which someone is exactly ``age`` years old on ``today``."""
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age, day=28)
    return anniversary - dt.timedelta(days=rng.randint(0, 360))


@dataclass
class Cast:
    """Rows to create after the people are saved."""

    roles: list[RoleAssignment] = field(default_factory=list)
    party: list[PartyRecord] = field(default_factory=list)
    workers: list[WorkerProfile] = field(default_factory=list)
    work_grids: list[tuple[WorkerProfile, Area]] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    contributions: list[ContributionEntry] = field(default_factory=list)
    accounts: dict[str, Person] = field(default_factory=dict)
    central_heads: list[Person] = field(default_factory=list)
    department_contacts: dict[str, Person] = field(default_factory=dict)

    def role(self, person: Person, role: str, area: Area | None = None, note: str = "", **kw) -> None:
        self.roles.append(RoleAssignment(person=person, role=role, area=area, note=note,
                                         starts_on=kw.pop("starts_on", TERM_START), **kw))

    def member(self, person: Person, org, since: dt.date, rng: random.Random) -> None:
        applied = since - dt.timedelta(days=rng.randint(900, 1400))
        self.party.append(PartyRecord(
            person=person, stage=PartyStage.MEMBER, org=org, applied_on=applied,
            activist_on=applied + dt.timedelta(days=180), target_on=applied + dt.timedelta(days=550),
            probationary_on=since - dt.timedelta(days=365), member_on=since))


class Census:
    """Invented people, deterministic for a given random generator and day."""

    def __init__(self, rng: random.Random, today: dt.date, names: NameMaker):
        self.rng, self.today, self.names = rng, today, names
        self.people: list[Person] = []
        self.taken: set[int] = set()  # id() of people already given a part

    def person(self, area: Area, age: int, gender: str | None = None, household: Household | None = None,
               note: str = "") -> Person:
        gender = gender or self.rng.choice("MF")
        birth = birth_for_age(self.today, age, self.rng)
        id_number = self.names.id_number(birth, gender)
        mobile = self.names.mobile() if age >= 14 else ""
        p = Person(name=self.names.name(gender, birth.year), gender=gender, birth_date=birth, id_number=id_number,
                   mobile=mobile, household=household, area=area, note=note,
                   id_suffix=id_number[-4:], mobile_suffix=mobile[-4:])
        p.demo_age = age
        self.people.append(p)
        return p

    # -- residents -------------------------------------------------------------------------------
    def populate(self, grid: Area, homes: list[Household], n: int, elderly_share: float) -> list[Person]:
        """``n`` residents in ``homes`` (every home occupied if there are enough people)."""
        rng = self.rng
        k = len(homes) if n >= len(homes) else min(len(homes), math.ceil(n / 1.75))
        sizes = [1] * k
        for _ in range(n - k):
            i = rng.randrange(k)
            while sizes[i] >= 5:
                i = rng.randrange(k)
            sizes[i] += 1
        occupied = sorted(rng.sample(range(len(homes)), k))
        plans: list[tuple[Household, list[tuple[int, str | None]]]] = []
        old = lambda: rng.randint(60, 90)  # noqa: E731
        for idx, size in zip(occupied, sizes, strict=True):
            if size == 1:
                members = [(old() if rng.random() < elderly_share + 0.25 else rng.randint(22, 59), None)]
            elif size == 2 and rng.random() < elderly_share + 0.2:
                a = old()
                members = [(a, "M"), (min(95, max(60, a + rng.randint(-4, 3))), "F")]
            else:
                a = rng.randint(26, 56)
                members = [(a, "M"), (max(22, a + rng.randint(-4, 2)), "F")]
                for _ in range(size - 2):
                    if rng.random() < 0.4:
                        members.append((min(95, a + rng.randint(24, 34)), None))
                    else:
                        members.append((max(0, a - rng.randint(22, 34)), None))
            plans.append((homes[idx], members[:size]))
        # Make sure the grid's share of people aged 60+ is reached.
        target = math.ceil(elderly_share * n)
        elderly = sum(1 for h, ms in plans for a, _g in ms if a >= 60)
        candidates = [(pi, i) for pi, (_h, ms) in enumerate(plans) for i, (a, _g) in enumerate(ms) if 40 <= a < 60]
        rng.shuffle(candidates)
        while elderly < target and candidates:
            pi, i = candidates.pop()
            a, g = plans[pi][1][i]
            plans[pi][1][i] = (rng.randint(60, 72), g)
            elderly += 1
        people = []
        for home, ms in plans:
            for age, gender in ms:
                p = self.person(grid, age, gender, home)
                p.demo_home_size = len(ms)
                people.append(p)
        return people

    def pick(self, pool: list[Person], n: int, lo: int = 18, hi: int = 99, gender: str | None = None,
             where=None) -> list[Person]:
        """``n`` people of ``pool`` aged lo–hi not yet given a part; they are marked as taken."""
        found = [p for p in pool if id(p) not in self.taken and lo <= p.demo_age <= hi
                 and (gender is None or p.gender == gender) and (where is None or where(p))]
        if len(found) < n:
            raise RuntimeError(f"demo data: only {len(found)} candidates for {n} ({lo}–{hi})")
        chosen = self.rng.sample(found, n)
        self.taken.update(id(p) for p in chosen)
        return chosen


def in_building(building) -> Callable[[Person], bool]:
    return lambda p: p.household is not None and p.household.unit.building_id == building.id


# -- staff ---------------------------------------------------------------------------------------
def cast_staff(census: Census, places: Places, orgs: Orgs, cast: Cast) -> dict[str, Person]:
    """Grid workers, community, street and district staff, department handlers, shop staff."""
    rng = census.rng
    grid_workers: dict[str, Person] = {}
    for name, grid in places.grids.items():
        p = census.person(grid.parent, rng.randint(26, 48), note="专职网格员")
        cast.role(p, Role.GRID_WORKER, grid, "1+3+N 网格体系中的专职网格员")
        grid_workers[name] = p
    cast.accounts["grid-xinhejie"] = grid_workers["新河街网格"]
    cast.accounts["grid-zouma"] = grid_workers["走马二村第一网格"]

    for name, community in places.communities.items():
        for i in range(3 if name == "下新新社区" else 2):
            p = census.person(community, rng.randint(28, 52), note="社区工作者")
            cast.role(p, Role.COMMUNITY_STAFF, community)
            if name == "下新新社区":  # the community party committee's members (社区党委班子)
                org = orgs.grid_branches["新河街网格"] if i == 1 else orgs.party["下新新社区党委"]
                p.note = ["社区党委书记", "社区党委副书记；新河街网格党支部成员", "社区党委委员"][i]
                cast.member(p, org, dt.date(2008 + i * 3, 7, 1), rng)
            account = {"龙锦社区": "community-longjin", "下新新社区": "community-xiaxinxin"}.get(name)
            if i == 0 and account:
                cast.accounts[account] = p
    for name, street in places.streets.items():
        for _ in range(2):
            p = census.person(street, rng.randint(28, 55), note="街道工作人员")
            cast.role(p, Role.STREET_STAFF, street)
            if name == "龙洲湾街道":
                cast.accounts.setdefault("street-longzhouwan", p)
    p = census.person(places.district, rng.randint(35, 52), note="区级管理员")
    cast.role(p, Role.DISTRICT_ADMIN, places.district)
    cast.accounts["district"] = p
    for code, dept in orgs.departments.items():
        p = census.person(dept.area, rng.randint(27, 55), note="部门经办人")
        cast.role(p, Role.DEPARTMENT_HANDLER, department=dept)
        cast.department_contacts[code] = p
    cast.accounts["dept-chengguan"] = cast.department_contacts["chengguan"]
    for shop in orgs.shops:
        p = census.person(shop.area, rng.randint(24, 55), note="爱心商铺店员")
        cast.role(p, Role.SPONSOR_STAFF, partner=shop, note="“先锋骑士”积分兑换")
        cast.accounts.setdefault("shop-demo", p)
    return grid_workers


# -- 花溪街道 走马梁社区 走马二村 ------------------------------------------------------------------
def cast_zouma(census: Census, places: Places, orgs: Orgs, cast: Cast, residents: dict[str, list[Person]],
               grid_workers: dict[str, Person]) -> None:
    rng, pick = census.rng, census.pick
    community = places.communities["走马梁社区"]
    g1, g2 = "走马二村第一网格", "走马二村第二网格"
    everyone = residents[g1] + residents[g2]
    party: dict[int, Person] = {}

    def join(people: list[Person], grid_name: str) -> None:
        for p in people:
            party[id(p)] = p
            cast.member(p, orgs.grid_branches[grid_name], dt.date(rng.randint(1972, 2000), 7, 1), rng)

    director = pick(residents[g1], 1, 75, 88, "M")[0]
    director.note = "原老厂长（退休职工党员）；小区理事会理事长"
    join([director], g1)
    cast.role(director, Role.COUNCIL_CHAIR, community, "走马二村小区理事会理事长（民主推选）")
    for grid_name in (g1, g2):  # the two respected retirees on the grid branch committees
        p = pick(residents[grid_name], 1, 62, 78)[0]
        p.note = "网格党支部委员（退休职工党员）"
        join([p], grid_name)
    council = [(pick(everyone, 1, 65, 82)[0], "原车间主任") for _ in range(2)]
    council += [(pick(everyone, 1, 65, 82)[0], "原工会主任")]
    council += [(p, "老党员") for p in pick(everyone, 3, 62, 85)]
    for p, label in council:
        p.note = f"{label}；小区理事会理事"
        cast.role(p, Role.COUNCIL_MEMBER, community, "走马二村小区理事会理事")
        if label == "老党员":
            join([p], g1 if p.area_id == places.grids[g1].id else g2)

    # "1+1" building heads: one per building; three are red building heads (party members).
    red_buildings = {"2栋", "9栋", "15栋"}
    for grid_name in (g1, g2):
        grid = places.grids[grid_name]
        for b in places.buildings[grid_name]:
            head = pick(residents[grid_name], 1, 50, 76, where=in_building(b))[0]
            if b.name in red_buildings:
                head.note = "红色楼栋长（党员）"
                join([head], grid_name)
                cast.role(head, Role.RED_BUILDING_HEAD, grid, "“1+1”楼栋长：1名网格员+1名楼栋长", building=b)
                cast.contributions.append(ContributionEntry(
                    person=head, date=dt.date(2024, 3, 5), what="开展党员承诺践诺活动：帮助独居老人更换水龙头",
                    area=grid, place=f"走马二村{b.name}"))
            else:
                head.note = "楼栋长"
                cast.role(head, Role.BUILDING_HEAD, grid, "“1+1”楼栋长：1名网格员+1名楼栋长", building=b)
        # The five roles (五大员) of each grid; the full-time grid worker is staff.
        for role in (Role.POLICY_PUBLICIST, Role.DISPUTE_MEDIATOR, Role.ENVIRONMENT_MANAGER,
                     Role.OPINION_COLLECTOR):
            cast.role(pick(residents[grid_name], 1, 40, 70)[0], role, grid, "网格五大员")
        # Other party members of the grid branch (retired workers, mostly).
        join(pick(residents[grid_name], 12, 55, 90), grid_name)

    # The retirees' volunteer team: founders (director, branch committee members, old party members)
    # and the 13 residents who joined them.
    founders = [director] + [p for p in party.values() if "网格党支部委员" in p.note]
    founders += [p for p, label in council if label == "老党员"][:2]
    joiners = pick(everyone, 13, 55, 80, where=lambda p: id(p) not in party)
    for p in founders + joiners:
        cast.role(p, Role.VOLUNTEER, community, ZOUMA_TEAM, starts_on=dt.date(2023, 2, 5))
    for p in joiners[:3]:
        cast.contributions.append(ContributionEntry(person=p, date=dt.date(2024, 6, 10), area=community,
                                                    what="参加“端午节包粽子”邻里活动志愿服务", place="走马二村"))
    # Errand service (便民代办): 10 residents.
    for p in pick(everyone, 10, 40, 68):
        p.note = "便民代办员"
        cast.role(p, Role.ERRAND_AGENT, community, "便民代办：水电费代交、资格认证、公交卡年审、代买药")


# -- 鱼洞街道 下新新社区 新河街网格 ---------------------------------------------------------------
def cast_xiaxinxin(census: Census, places: Places, orgs: Orgs, cast: Cast, residents: dict[str, list[Person]],
                   grid_workers: dict[str, Person]) -> None:
    rng, pick = census.rng, census.pick
    community = places.communities["下新新社区"]
    grid = places.grids["新河街网格"]
    xhj = residents["新河街网格"]
    branch = orgs.grid_branches["新河街网格"]

    # The grid party branch of 6: secretary (a judicial police officer of the district court),
    # the community committee's deputy secretary (staff, see cast_staff), estate and in-service members.
    secretary = pick(xhj, 1, 35, 48, "M")[0]
    secretary.note = "新河街网格党支部书记；区法院司法警察（在职党员）"
    cast.member(secretary, branch, dt.date(2012, 7, 1), rng)
    for p in pick(xhj, 2, 35, 55):
        p.note = "网格党支部成员（小区党员）"
        cast.member(p, branch, dt.date(rng.randint(2000, 2015), 7, 1), rng)
    for p in pick(xhj, 2, 28, 50):
        p.note = "网格党支部成员（在职党员，“双报到”）"
        cast.member(p, branch, dt.date(rng.randint(2010, 2020), 7, 1), rng)

    # 12 party members as building heads, one per building; they are also building guardians.
    heads = []
    for b in places.buildings["新河街网格"]:
        head = pick(xhj, 1, 50, 75, where=in_building(b))[0]
        head.note = "党员楼栋长；守护楼员"
        cast.member(head, orgs.building_groups[b.id], dt.date(rng.randint(1985, 2010), 7, 1), rng)
        cast.role(head, Role.BUILDING_HEAD, grid, "党员楼栋长", building=b)
        cast.role(head, Role.BUILDING_GUARDIAN, grid, "守护楼员（党员）", building=b)
        heads.append(head)
    cast.central_heads = heads[::3]  # four party-member central households
    # 9 residents join them as building guardians (守护楼员): 12 party members + 9 residents = 21.
    for b in places.buildings["新河街网格"][:9]:
        p = pick(xhj, 1, 40, 70, where=in_building(b))[0]
        p.note = "守护楼员（居民）"
        cast.role(p, Role.BUILDING_GUARDIAN, grid, "守护楼员（居民）：清洁卫生、安全巡逻、费用收缴监督", building=b)
        cast.contributions.append(ContributionEntry(person=p, date=dt.date(2024, 4, 4), area=grid,
                                                    what="安全巡逻，清理楼道堆放杂物", place=f"新河街{b.name}"))
    # The functional branch: 21 resident and retired party members.
    for p in pick(xhj, 21, 45, 88):
        cast.member(p, orgs.party["新河街街区功能型党支部"], dt.date(rng.randint(1975, 2012), 7, 1), rng)
    # Party members of the other six grids.
    for name in places.grids:
        if places.grids[name].parent_id == community.id and name != "新河街网格":
            for p in pick(residents[name], 5, 30, 85):
                cast.member(p, orgs.grid_branches[name], dt.date(rng.randint(1980, 2018), 7, 1), rng)

    # 红灯笼 volunteers (4 teams of 4) and the 微孝 hotline rota.
    all_xxx = [p for name, ps in residents.items() if places.grids[name].parent_id == community.id for p in ps]
    lanterns = pick(all_xxx, 16, 35, 68)
    for i, p in enumerate(lanterns):
        cast.role(p, Role.VOLUNTEER, community, f"{RED_LANTERN}第{'一二三四'[i // 4]}小队")
    duty = [grid_workers[n] for n in ("新河街网格", "新市街网格", "鱼新街网格")] + lanterns[:3]
    for p in duty:
        cast.role(p, Role.HOTLINE_DUTY, community, "“微孝热线”轮流坐班")

    resident = pick(xhj, 1, 30, 55, where=lambda p: p.demo_home_size >= 2)[0]
    resident.note = "新河街网格居民（演示账号）"
    cast.accounts["resident-demo"] = resident


# -- 龙洲湾街道: the new-employment group (新就业群体) -----------------------------------------------
PLATFORMS: list[tuple[str, str, int, str]] = [
    # occupation, platform, count, employer
    (Occupation.FOOD_DELIVERY, "美团", 36, "美团外卖龙洲湾配送站"),
    (Occupation.FOOD_DELIVERY, "饿了么", 24, "饿了么蜂鸟巴南龙洲湾站"),
    (Occupation.COURIER, "顺丰", 10, "顺丰速运巴南龙洲湾营业部"),
    (Occupation.COURIER, "京东", 8, "京东物流巴南龙洲湾营业部"),
    (Occupation.COURIER, "中通", 6, "中通快递巴南龙洲湾网点"),
    (Occupation.COURIER, "圆通", 5, "圆通速递巴南龙洲湾网点"),
    (Occupation.COURIER, "韵达", 4, "韵达快递巴南龙洲湾网点"),
    (Occupation.COURIER, "极兔", 3, "极兔速递巴南网点"),
    (Occupation.RIDE_HAILING, "滴滴", 12, ""),
    (Occupation.RIDE_HAILING, "曹操出行", 4, ""),
    (Occupation.RIDE_HAILING, "T3出行", 4, ""),
]
INJURY_PILOT = {"美团", "饿了么", "顺丰", "京东", "滴滴", "曹操出行", "T3出行"}
N_PARTY, N_RESERVE, N_TEAM, N_POINTS, N_PART_TIME, N_FUNDED = 12, 12, 64, 32, 13, 2


def cast_workers(census: Census, places: Places, orgs: Orgs, cast: Cast) -> list[Person]:
    """116 workers: 12 party members, 12 in the reserve pool, 64 in the team, 32 on file, 13 part-time."""
    rng = census.rng
    communities = [places.communities["龙锦社区"], places.communities["龙海社区"]]
    grids = [g for g in places.grids.values() if g.parent.parent.name == "龙洲湾街道"]
    riders_branch = orgs.party["先锋骑士党支部"]
    people, profiles = [], []
    for occupation, platform, count, employer in PLATFORMS:
        for _ in range(count):
            gender = "M" if rng.random() < 0.9 else "F"
            p = census.person(communities[len(people) % 2], rng.randint(20, 50), gender, note="新就业群体")
            wp = WorkerProfile(person=p, occupation=occupation, platform=platform, employer=employer,
                               injury_protection=platform in INJURY_PILOT and rng.random() < 0.7,
                               registered_on=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 600)))
            people.append(p)
            profiles.append(wp)
            for g in rng.sample(grids, rng.randint(1, 3)):
                cast.work_grids.append((wp, g))
    order = list(range(len(people)))
    rng.shuffle(order)
    # rider-demo: a Meituan rider; keep him at the front of the points scheme and part-time members.
    demo_i = next(i for i in order if profiles[i].platform == "美团" and people[i].gender == "M")
    order.remove(demo_i)
    order.insert(N_PARTY, demo_i)
    party_i = order[:N_PARTY]
    reserve_i = order[-N_RESERVE:]
    team_i = order[:N_TEAM]  # all party members lead in the team
    points_i = order[N_PARTY // 2:N_PARTY // 2 + N_POINTS]
    part_time_i = [demo_i] + [i for i in points_i if i != demo_i][:N_PART_TIME - 1]
    funded_i = points_i[-N_FUNDED:]

    for i in party_i:
        cast.member(people[i], riders_branch, dt.date(rng.randint(2008, 2022), 7, 1), rng)
        people[i].note = "新就业群体党员"
    stages = [PartyStage.APPLICANT] * 5 + [PartyStage.ACTIVIST] * 5 + [PartyStage.TARGET] * 2
    for i, stage in zip(reserve_i, stages, strict=True):
        applied = dt.date(2023, 3, 1) + dt.timedelta(days=rng.randint(0, 300))
        rec = PartyRecord(person=people[i], stage=stage, org=riders_branch, applied_on=applied)
        if stage in (PartyStage.ACTIVIST, PartyStage.TARGET):
            rec.activist_on = applied + dt.timedelta(days=rng.randint(90, 200))
        if stage == PartyStage.TARGET:
            rec.target_on = rec.activist_on + dt.timedelta(days=rng.randint(365, 400))
        cast.party.append(rec)
        people[i].note = "发展党员后备力量（先进典型、行业骨干）"
    for i in team_i:
        cast.role(people[i], Role.VOLUNTEER, places.streets["龙洲湾街道"], RIDER_TEAM,
                  starts_on=dt.date(2023, 6, 28))
    for i in points_i:
        profiles[i].in_points_scheme = True
    for k, i in enumerate(part_time_i):
        cast.role(people[i], Role.PART_TIME_GRID_MEMBER, grids[0] if i == demo_i else grids[k % len(grids)],
                  "从新就业群体中择优选聘的兼职网格员", starts_on=dt.date(2024, 1, 1))
    for k, i in enumerate(funded_i):
        title = ["高起专继续教育（学历提升）", "专升本继续教育（学历提升）"][k % 2]
        profiles[i].education_upgrade, profiles[i].education_funded = title, True
        cast.trainings.append(Training(person=people[i], kind=TrainingKind.EDUCATION, title=title,
                                       completed_on=None, funded=True))
    for i in rng.sample(order, 30):
        title = rng.choice(["互联网营销师技能培训班（夜间班）", "全媒体运营师技能培训班（周末班）"])
        cast.trainings.append(Training(person=people[i], kind=TrainingKind.TRAINING, title=title,
                                       completed_on=dt.date(2024, rng.randint(1, 10), rng.randint(1, 28))))
    for i in [i for i in order if profiles[i].occupation == Occupation.COURIER][:12]:
        cast.trainings.append(Training(person=people[i], kind=TrainingKind.CERTIFICATION,
                                       title="快递员职业技能等级认定（五级）",
                                       completed_on=dt.date(2024, rng.randint(3, 11), rng.randint(1, 28))))
    # Contribution ledger: snap-and-report finds (the four district-level 最美 workers are Honour rows).
    finds = ["随手拍：上报井盖破损", "随手拍：上报道路坑洼", "随手拍：上报卫生死角", "随手报：上报占道经营",
             "协助社区开展平安建设巡查", "认领“微心愿”：为独居老人送米面油"]
    for n, i in enumerate(points_i[:20]):
        g = grids[n % len(grids)]
        cast.contributions.append(ContributionEntry(
            person=people[i], date=dt.date(2024, 5, 1) + dt.timedelta(days=n * 7), what=finds[n % len(finds)],
            area=g, place=g.name))
    cast.workers.extend(profiles)
    rider = people[demo_i]
    rider.note = "外卖配送员；“先锋骑士”积分制度建档；兼职网格员（演示账号）"
    cast.accounts["rider-demo"] = rider
    return people


def cast_other_residents(census: Census, places: Places, orgs: Orgs, cast: Cast,
                         residents: dict[str, list[Person]]) -> None:
    """A few party members and volunteers in the 龙洲湾 grids."""
    rng = census.rng
    for name, grid in places.grids.items():
        if grid.parent.parent.name == "龙洲湾街道":
            for p in census.pick(residents[name], 6, 25, 80):
                cast.member(p, orgs.grid_branches[name], dt.date(rng.randint(1985, 2020), 7, 1), rng)


def central_household_orgs(orgs: Orgs, cast: Cast) -> None:
    central_households(orgs, cast.central_heads)
