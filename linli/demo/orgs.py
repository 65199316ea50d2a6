"""Party organisations, departments and partner units of the demo.

The party tree follows the article: street party working committee (党工委) → community party
committee (党委) or general branch (党总支) → grid party branch (网格党支部) or functional branch
(功能型党支部, e.g. 先锋骑士党支部) → building party group (楼栋党小组) → party-member central household
(党员中心户).  Every node is linked to the area it covers.

Departments: district departments of Banan (城管、住建、规划、应急、交通、市场监管、生态环境、公安 …)
and the 17 posts of 龙洲湾街道 that form its joint conference (联席会议), plus a few posts of the
other two streets.  Partner units: 18 sponsor shops of the 先锋骑士 points scheme, property companies,
owners' committees, companies and service providers.  Shop and company names are invented, except
the works (攀钢集团重庆钛业有限公司) whose housing estate the article describes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from linli.places.models import (
    Department,
    DepartmentKind,
    PartnerKind,
    PartnerUnit,
    PartyOrg,
    PartyOrgKind,
)

from .areas import Places, point_in_quad
from .names import NameMaker

K = PartyOrgKind

DISTRICT_DEPARTMENTS: list[tuple[str, str]] = [
    ("chengguan", "巴南区城市管理局"),
    ("zhujian", "巴南区住房和城乡建设委员会"),
    ("guihua", "巴南区规划和自然资源局"),
    ("yingji", "巴南区应急管理局"),
    ("jiaotong", "巴南区交通局"),
    ("shichang", "巴南区市场监督管理局"),
    ("shengtai", "巴南区生态环境局"),
    ("gongan", "重庆市公安局巴南区分局"),
    ("minzheng", "巴南区民政局"),
    ("renshe", "巴南区人力资源和社会保障局"),
    ("weijian", "巴南区卫生健康委员会"),
    ("sifa", "巴南区司法局"),
]

# The 17 posts whose forces 龙洲湾街道 pulled together into its joint conference (联席会议).
LONGZHOUWAN_POSTS: list[tuple[str, str]] = [
    ("dangjian", "党建办"), ("chengguan", "城市管理办"), ("guihua", "规划建设办"), ("yingji", "应急管理办"),
    ("pingan", "平安法治办"), ("shehui", "社会事务办"), ("shebao", "社会保障服务所"), ("jingji", "经济发展办"),
    ("shichang", "市场监管所"), ("paichusuo", "龙洲湾派出所"), ("jiaoxun", "交巡警平台"), ("sifa", "司法所"),
    ("weijian", "卫生健康办"), ("huanbao", "生态环境办"), ("gonghui", "总工会"), ("tuan", "团工委"),
    ("fulian", "妇联"),
]
OTHER_POSTS: dict[str, list[tuple[str, str]]] = {
    "花溪街道": [("dangjian", "党建办"), ("chengguan", "城市管理办"), ("shehui", "社会事务办")],
    "鱼洞街道": [("dangjian", "党建办"), ("chengguan", "城市管理办"), ("pingan", "平安法治办")],
}
STREET_SLUG = {"龙洲湾街道": "lzw", "花溪街道": "hx", "鱼洞街道": "yd"}

SPONSOR_SHOPS = [
    "龙锦便利店", "巴渝小面馆", "洲湾汽车美容", "锦程理发店", "老街火锅", "鲜果时光水果店", "龙海药房",
    "渝味早餐店", "洲湾手机维修", "快修电动车行", "龙锦洗衣店", "暖心面包坊", "江畔茶馆", "龙湾超市",
    "安康眼镜店", "乐活健身房", "书香文具店", "悦享奶茶店",
]


@dataclass
class Orgs:
    party: dict[str, PartyOrg] = field(default_factory=dict)  # by name
    departments: dict[str, Department] = field(default_factory=dict)  # by code
    partners: dict[str, PartnerUnit] = field(default_factory=dict)  # by name
    shops: list[PartnerUnit] = field(default_factory=list)
    building_groups: dict[int, PartyOrg] = field(default_factory=dict)  # by building id
    grid_branches: dict[str, PartyOrg] = field(default_factory=dict)  # by grid name


def _party(places: Places) -> tuple[Orgs, list[PartyOrg]]:
    o = Orgs()

    def add(level: list, kind: str, name: str, area, parent: str | None = None, founded: dt.date | None = None,
            building=None) -> PartyOrg:
        org = PartyOrg(kind=kind, name=name, area=area, parent=o.party.get(parent) if parent else None,
                       founded_on=founded, building=building)
        o.party[name] = org
        level.append(org)
        return org

    levels: list[list[PartyOrg]] = [[], [], [], []]
    for street in places.streets.values():
        add(levels[0], K.WORKING_COMMITTEE, f"{street.name}党工委", street)
    c = places.communities
    add(levels[1], K.COMMUNITY_COMMITTEE, "龙锦社区党委", c["龙锦社区"], "龙洲湾街道党工委")
    add(levels[1], K.COMMUNITY_COMMITTEE, "龙海社区党委", c["龙海社区"], "龙洲湾街道党工委")
    add(levels[1], K.FUNCTIONAL_BRANCH, "先锋骑士党支部", places.streets["龙洲湾街道"], "龙洲湾街道党工委",
        dt.date(2023, 6, 28))
    add(levels[1], K.GENERAL_BRANCH, "走马梁社区党总支", c["走马梁社区"], "花溪街道党工委")
    add(levels[1], K.COMMUNITY_COMMITTEE, "下新新社区党委", c["下新新社区"], "鱼洞街道党工委", dt.date(2002, 9, 1))

    parent_of = {"龙锦社区": "龙锦社区党委", "龙海社区": "龙海社区党委", "走马梁社区": "走马梁社区党总支",
                 "下新新社区": "下新新社区党委"}
    for name, grid in places.grids.items():
        label = {"走马二村第一网格": "走马梁社区第一网格党支部", "走马二村第二网格": "走马梁社区第二网格党支部"}.get(
            name, f"{name}党支部")
        o.grid_branches[name] = add(levels[2], K.GRID_BRANCH, label, grid, parent_of[grid.parent.name],
                                    dt.date(2022, 7, 1) if "走马" in name else None)
    add(levels[2], K.FUNCTIONAL_BRANCH, "新河街街区功能型党支部", places.grids["新河街网格"], "下新新社区党委",
        dt.date(2023, 3, 4))
    # Building party groups: every building of 走马二村 and of 新河街.
    for grid_name in ("走马二村第一网格", "走马二村第二网格", "新河街网格"):
        for b in places.buildings[grid_name]:
            place = "走马二村" if "走马" in grid_name else "新河街"
            org = add(levels[3], K.BUILDING_GROUP, f"{place}{b.name}党小组", places.grids[grid_name],
                      o.grid_branches[grid_name].name, building=b)
            o.building_groups[b.id] = org
    created = []
    for level in levels:
        for org in level:  # parents were saved with the level above
            if org.parent is not None:
                org.parent_id = org.parent.pk
        created += PartyOrg.objects.bulk_create(level)
    return o, created


def central_households(orgs: Orgs, heads: list) -> list[PartyOrg]:
    """党员中心户: the homes of some party-member building heads, under their building's party group."""
    rows = []
    for person in heads:
        group = orgs.building_groups[person.household.unit.building_id]
        rows.append(PartyOrg(kind=K.CENTRAL_HOUSEHOLD, name=f"{person.name}党员中心户", parent=group,
                             area=group.area, building=group.building, household=person.household))
    return PartyOrg.objects.bulk_create(rows)


def build_orgs(places: Places, rng: random.Random, names: NameMaker) -> Orgs:
    o, _ = _party(places)

    def contact() -> tuple[str, str]:
        gender = rng.choice("MF")
        return names.name(gender, rng.randint(1970, 1995)), names.mobile()

    depts = []
    for code, name in DISTRICT_DEPARTMENTS:
        depts.append(Department(kind=DepartmentKind.DISTRICT, code=code, name=name, area=places.district))
    for street, posts in [("龙洲湾街道", LONGZHOUWAN_POSTS), *OTHER_POSTS.items()]:
        for code, name in posts:
            depts.append(Department(kind=DepartmentKind.STREET_POST, code=f"{STREET_SLUG[street]}-{code}",
                                    name=f"{street}{name}", area=places.streets[street]))
    o.departments = {d.code: d for d in Department.objects.bulk_create(depts)}

    def located(community: str, grid: str | None = None) -> tuple[float, float]:
        quad = places.quads[grid or next(n for n, g in places.grids.items() if g.parent.name == community)]
        lng, lat = point_in_quad(quad, rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95))
        return round(lat, 6), round(lng, 6)

    partners = []
    lzw_grids = [n for n, g in places.grids.items() if g.parent.parent.name == "龙洲湾街道"]
    for i, shop in enumerate(SPONSOR_SHOPS):
        grid_name = lzw_grids[i % len(lzw_grids)]
        community = places.grids[grid_name].parent
        lat, lng = located(community.name, grid_name)
        partners.append(PartnerUnit(kind=PartnerKind.SPONSOR_SHOP, name=shop, area=community,
                                    address=f"龙洲湾街道{community.name}{shop}", lat=lat, lng=lng))
    others = [
        (PartnerKind.PROPERTY, "龙锦物业服务有限公司", "龙锦社区"),
        (PartnerKind.PROPERTY, "海韵物业管理有限公司", "龙海社区"),
        (PartnerKind.PROPERTY, "鱼洞滨江物业服务有限公司", "下新新社区"),
        (PartnerKind.OWNERS_COMMITTEE, "龙锦花园业主委员会", "龙锦社区"),
        (PartnerKind.OWNERS_COMMITTEE, "新市街小区业主委员会", "下新新社区"),
        (PartnerKind.COMPANY, "攀钢集团重庆钛业有限公司", "走马梁社区"),
        (PartnerKind.PROVIDER, "康乐居家养老服务中心", "走马梁社区"),
        (PartnerKind.PROVIDER, "鱼洞社区卫生服务中心", "下新新社区"),
        (PartnerKind.COMPANY, "鱼洞新河商贸有限公司", "下新新社区"),
    ]
    for kind, name, community in others:
        lat, lng = located(community)
        partners.append(PartnerUnit(kind=kind, name=name, area=places.communities[community], lat=lat, lng=lng,
                                    address=f"{places.communities[community].parent.name}{community}"))
    for p in partners:
        p.contact_name, p.contact_phone = contact()
    created = PartnerUnit.objects.bulk_create(partners)
    o.partners = {p.name: p for p in created}
    o.shops = [p for p in created if p.kind == PartnerKind.SPONSOR_SHOP]
    return o
