"""The demo data reproduce every figure of the article, with invented people only.

The demo is loaded once for the module inside a transaction that is rolled back at the end, so
the other test modules never see it; each test runs in its own savepoint inside it.
"""

from __future__ import annotations

import hashlib
import io
import itertools

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from shapely.geometry import Point, shape

from linli.core.identifiers import validate_id_number, validate_mobile
from linli.core.models import User
from linli.core.scope import scope_for, scoped
from linli.demo.figures import elderly_cutoff
from linli.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from linli.people.models import (
    RESERVE_STAGES,
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
from linli.places.models import (
    Area,
    AreaLevel,
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

# GB/T 2260 province codes in use (incl. Taiwan, Hong Kong, Macau): no demo ID may start with one.
REAL_PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
                  "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
                  "81", "82"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def codes(demo, db):
    return {a.name: a.code for a in Area.objects.all()}


def people_under(code: str):
    return Person.objects.filter(household__grid__code__startswith=code)


def current_roles():
    return RoleAssignment.objects.current()


# -- 花溪街道 走马梁社区 走马二村 ----------------------------------------------------------------------
def test_zouma_village_has_19_buildings_43_units_842_homes_and_732_residents(codes):
    zouma = codes["走马梁社区"]
    assert Building.objects.filter(grid__code__startswith=zouma).count() == 19
    assert BuildingUnit.objects.filter(building__grid__code__startswith=zouma).count() == 43
    assert Household.objects.filter(grid__code__startswith=zouma).count() == 842
    assert people_under(zouma).count() == 732
    assert all(b.address.startswith("花溪街道走马二村") for b in Building.objects.filter(grid__code__startswith=zouma))


def test_zouma_is_split_into_two_grids_each_with_a_grid_party_branch(codes):
    zouma = codes["走马梁社区"]
    grids = Area.objects.filter(parent__code=zouma, level=AreaLevel.GRID)
    assert grids.count() == 2
    branches = PartyOrg.objects.filter(kind=PartyOrgKind.GRID_BRANCH, area__in=grids)
    assert branches.count() == 2
    assert {b.parent.name for b in branches} == {"走马梁社区党总支"}
    assert PartyOrg.objects.get(name="走马梁社区党总支").parent.name == "花溪街道党工委"
    # Four levels: working committee → general branch → grid branch → building party group.
    groups = PartyOrg.objects.filter(kind=PartyOrgKind.BUILDING_GROUP, parent__in=branches)
    assert groups.count() == 19 and all(g.building.grid_id == g.area_id for g in groups)


def test_zouma_retirees_red_building_heads_and_council(codes):
    zouma = codes["走马梁社区"]
    committee = Person.objects.filter(note__contains="网格党支部委员", party__org__kind=PartyOrgKind.GRID_BRANCH,
                                      household__grid__code__startswith=zouma)
    assert committee.count() == 2
    assert all(p.age >= 60 for p in committee)
    assert len({p.party.org_id for p in committee}) == 2  # one on each grid's branch
    roles = current_roles().filter(area__code__startswith=zouma)
    red = roles.filter(role=Role.RED_BUILDING_HEAD)
    assert red.count() == 3
    assert all(r.person.party.stage == PartyStage.MEMBER for r in red)
    # "1+1": exactly one building head per building, red or not.
    heads = roles.filter(role__in=[Role.BUILDING_HEAD, Role.RED_BUILDING_HEAD])
    assert sorted(heads.values_list("building_id", flat=True)) == sorted(
        Building.objects.filter(grid__code__startswith=zouma).values_list("id", flat=True))
    chair = roles.get(role=Role.COUNCIL_CHAIR)
    assert "原老厂长" in chair.person.note and chair.person.age >= 70
    assert roles.filter(role=Role.COUNCIL_MEMBER).count() >= 4


def test_zouma_volunteer_team_gained_13_residents_and_has_10_errand_agents(codes):
    zouma = codes["走马梁社区"]
    team = current_roles().filter(role=Role.VOLUNTEER, note="走马二村退休职工志愿者服务队")
    assert team.filter(person__party__isnull=True).count() == 13  # the residents who joined
    assert team.filter(person__party__isnull=False).count() >= 3  # the retired party members who lead it
    agents = current_roles().filter(role=Role.ERRAND_AGENT, area__code=zouma)
    assert agents.count() == 10


def test_every_zouma_grid_has_the_five_roles(codes):
    five = [Role.GRID_WORKER, Role.POLICY_PUBLICIST, Role.DISPUTE_MEDIATOR, Role.ENVIRONMENT_MANAGER,
            Role.OPINION_COLLECTOR]
    for grid in Area.objects.filter(parent__code=codes["走马梁社区"]):
        held = list(current_roles().filter(area=grid, role__in=five).values_list("role", flat=True))
        assert sorted(held) == sorted(five), grid.name


# -- 鱼洞街道 下新新社区 新河街网格 -------------------------------------------------------------------
def test_xiaxinxin_founded_2002_has_seven_grids(codes):
    community = Area.objects.get(code=codes["下新新社区"])
    assert "2002" in community.description
    assert community.children.filter(level=AreaLevel.GRID).count() == 7
    assert PartyOrg.objects.get(name="下新新社区党委").founded_on.year == 2002


def test_xinhejie_has_12_buildings_380_households_769_residents_over_30_percent_aged_60_plus(codes):
    xhj = codes["新河街网格"]
    assert len(xhj) == 15 and xhj.startswith(codes["下新新社区"])
    assert Building.objects.filter(grid__code=xhj).count() == 12
    homes = Household.objects.filter(grid__code=xhj)
    assert homes.count() == 380
    assert homes.filter(members__isnull=True).count() == 0  # 380 households, every one lived in
    residents = Person.objects.filter(household__grid__code=xhj)
    assert residents.count() == 769
    assert residents.filter(birth_date__lte=elderly_cutoff()).count() / 769 > 0.30


def test_xinhejie_branch_of_6_with_12_party_building_heads_and_21_guardians(codes):
    xhj = codes["新河街网格"]
    branch = PartyOrg.objects.get(kind=PartyOrgKind.GRID_BRANCH, area__code=xhj)
    assert branch.parent.name == "下新新社区党委"
    assert PartyRecord.objects.filter(org=branch).count() == 6
    assert Person.objects.filter(party__org=branch, note__contains="司法警察").count() == 1
    roles = current_roles().filter(area__code=xhj)
    heads = roles.filter(role=Role.BUILDING_HEAD)
    assert heads.count() == 12
    assert heads.filter(person__party__stage=PartyStage.MEMBER).count() == 12
    assert heads.values("building").distinct().count() == 12
    guardians = roles.filter(role=Role.BUILDING_GUARDIAN)
    assert guardians.count() == 21
    assert guardians.filter(person__party__stage=PartyStage.MEMBER).count() == 12
    assert guardians.filter(person__party__isnull=True).count() == 9
    # Five levels down to party-member central households linked to real homes.
    central = PartyOrg.objects.filter(kind=PartyOrgKind.CENTRAL_HOUSEHOLD, area__code=xhj)
    assert central.count() >= 3
    assert all(c.household.grid.code == xhj and c.parent.kind == PartyOrgKind.BUILDING_GROUP for c in central)
    assert PartyOrg.objects.get(name="新河街街区功能型党支部").members.count() == 21


def test_xiaxinxin_has_hotline_duty_rota_and_red_lantern_volunteers(codes):
    community = codes["下新新社区"]
    duty = current_roles().filter(role=Role.HOTLINE_DUTY, area__code=community)
    assert duty.count() >= 4
    assert duty.filter(person__roles__role=Role.GRID_WORKER).exists()
    assert duty.filter(person__roles__role=Role.VOLUNTEER).exists()
    assert current_roles().filter(role=Role.VOLUNTEER, note__startswith="红灯笼").count() == 16


# -- 龙洲湾街道: the new-employment group ---------------------------------------------------------------
def test_longzhouwan_workers_party_members_team_points_and_part_time_grid_members(codes):
    lzw = codes["龙洲湾街道"]
    workers = WorkerProfile.objects.filter(person__area__code__startswith=lzw)
    assert workers.count() >= 110
    assert set(workers.values_list("occupation", flat=True)) == {Occupation.FOOD_DELIVERY, Occupation.COURIER,
                                                                  Occupation.RIDE_HAILING}
    assert {"美团", "饿了么", "顺丰", "京东", "滴滴"} <= set(workers.values_list("platform", flat=True))
    assert workers.filter(person__party__stage=PartyStage.MEMBER).count() >= 10
    assert PartyRecord.objects.filter(stage=PartyStage.MEMBER, person__worker__isnull=False,
                                      org__name="先锋骑士党支部").count() >= 10
    team = current_roles().filter(role=Role.VOLUNTEER, note="先锋骑士志愿服务队", person__worker__isnull=False)
    assert team.count() >= 60
    assert workers.filter(in_points_scheme=True).count() == 32
    part_time = current_roles().filter(role=Role.PART_TIME_GRID_MEMBER, person__worker__isnull=False)
    assert part_time.count() == 13
    assert all(r.area.level == AreaLevel.GRID and r.area.code.startswith(lzw) for r in part_time)
    assert workers.filter(education_funded=True).count() == 2
    assert Training.objects.filter(kind=TrainingKind.EDUCATION, funded=True).count() == 2
    assert workers.filter(injury_protection=True).exists()
    assert Training.objects.filter(kind=TrainingKind.TRAINING, person__worker__isnull=False).exists()
    assert Training.objects.filter(kind=TrainingKind.CERTIFICATION, person__worker__isnull=False).exists()


def test_reserve_pool_holds_more_than_10_applicants_and_activists_with_dates(codes):
    reserve = PartyRecord.objects.filter(stage__in=RESERVE_STAGES, person__worker__isnull=False)
    assert reserve.count() >= 10
    assert {PartyStage.APPLICANT, PartyStage.ACTIVIST} <= set(reserve.values_list("stage", flat=True))
    assert not reserve.filter(applied_on__isnull=True).exists()
    assert not reserve.filter(stage=PartyStage.ACTIVIST, activist_on__isnull=True).exists()


def test_party_tree_covers_streets_communities_and_the_riders_branch(codes):
    committees = PartyOrg.objects.filter(kind=PartyOrgKind.WORKING_COMMITTEE)
    assert {c.area.name for c in committees} == {"龙洲湾街道", "花溪街道", "鱼洞街道"}
    assert all(c.area.level == AreaLevel.STREET for c in committees)
    riders = PartyOrg.objects.get(name="先锋骑士党支部")
    assert riders.kind == PartyOrgKind.FUNCTIONAL_BRANCH and riders.parent.name == "龙洲湾街道党工委"
    assert PartyOrg.objects.filter(kind=PartyOrgKind.COMMUNITY_COMMITTEE, area__name="龙锦社区").exists()
    # Every org covers an area at or below its parent's area.
    for org in PartyOrg.objects.select_related("area", "parent__area").filter(parent__isnull=False):
        assert org.area.code.startswith(org.parent.area.code), org.name


def test_joint_conference_has_17_posts_and_there_are_18_sponsor_shops(codes):
    posts = Department.objects.filter(kind=DepartmentKind.STREET_POST, area__code=codes["龙洲湾街道"])
    assert posts.count() == 17
    names = set(posts.values_list("name", flat=True))
    assert {"龙洲湾街道党建办", "龙洲湾街道城市管理办", "龙洲湾街道规划建设办", "龙洲湾街道应急管理办"} <= names
    district = set(Department.objects.filter(kind=DepartmentKind.DISTRICT).values_list("code", flat=True))
    assert {"chengguan", "zhujian", "guihua", "yingji", "jiaotong", "shichang", "shengtai", "gongan"} <= district
    assert not Department.objects.filter(contact_name="").exists()
    assert PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP).count() == 18
    assert PartnerUnit.objects.filter(kind=PartnerKind.PROPERTY).exists()
    assert PartnerUnit.objects.filter(kind=PartnerKind.OWNERS_COMMITTEE).exists()


def test_contribution_ledger_has_entries_verified_by_staff(demo, db):
    entries = ContributionEntry.objects.all()
    assert entries.count() >= 10
    assert not entries.filter(verified_by__isnull=True).exists()


# -- accounts ------------------------------------------------------------------------------------------
def test_demo_accounts_sign_in_and_see_their_own_scope(codes):
    assert len(DEMO_ACCOUNTS) == 10
    users = {}
    for username, _description in DEMO_ACCOUNTS:
        user = authenticate(None, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert not user.is_superuser and not user.is_staff
        users[username] = user
    assert authenticate(None, username="district", password="wrong-password") is None

    assert scope_for(users["district"]).everything
    expected_areas = {
        "street-longzhouwan": (codes["龙洲湾街道"],),
        "community-longjin": (codes["龙锦社区"],),
        "community-xiaxinxin": (codes["下新新社区"],),
        "grid-xinhejie": (codes["新河街网格"],),
        "grid-zouma": (codes["走马二村第一网格"],),
        "rider-demo": (codes["龙锦第一网格"],),
        "resident-demo": (),
        "dept-chengguan": (),
        "shop-demo": (),
    }
    for username, areas in expected_areas.items():
        scope = scope_for(users[username])
        assert not scope.everything and scope.area_codes == areas, username
    assert scope_for(users["dept-chengguan"]).department_ids == (Department.objects.get(code="chengguan").pk,)
    shop = scope_for(users["shop-demo"]).partner_ids
    assert len(shop) == 1 and PartnerUnit.objects.get(pk=shop[0]).kind == PartnerKind.SPONSOR_SHOP

    # The grid worker sees the 769 residents of 新河街 (and herself), nobody from elsewhere.
    seen = scoped(Person.objects.all(), users["grid-xinhejie"])
    xhj = codes["新河街网格"]
    assert seen.filter(household__grid__code=xhj).count() == 769
    assert seen.exclude(household__grid__code=xhj).count() == 1
    # The resident lives in 新河街 with a household of more than one person, and sees only himself.
    resident = users["resident-demo"].person
    assert resident.household.grid.code == xhj and resident.household.members.count() >= 2
    assert list(scoped(Person.objects.all(), users["resident-demo"])) == [resident]
    rider = users["rider-demo"].person
    assert rider.worker.occupation == Occupation.FOOD_DELIVERY and rider.worker.in_points_scheme
    assert rider.roles.filter(role=Role.PART_TIME_GRID_MEMBER).exists()
    assert rider.history.exists()  # the accounts' people start with a history entry
    assert User.objects.get(person__mobile=rider.mobile).username == "rider-demo"


# -- invented identities and geometry ---------------------------------------------------------------------
def test_every_person_is_invented_with_valid_id_numbers_and_mobiles(demo, db):
    rows = list(Person.objects.values_list("id_number", "mobile", "birth_date", "gender", "id_suffix"))
    assert len(rows) > 3000
    for id_number, mobile, birth, gender, suffix in rows:
        validate_id_number(id_number)
        assert id_number[:2] not in REAL_PROVINCES and id_number.startswith("990113")
        assert id_number[6:14] == f"{birth:%Y%m%d}"
        assert int(id_number[16]) % 2 == (1 if gender == "M" else 0)
        assert suffix == id_number[-4:]
        if mobile:
            validate_mobile(mobile)
            assert mobile.startswith("154")
    assert len({r[0] for r in rows}) == len(rows)
    mobiles = [r[1] for r in rows if r[1]]
    assert len(set(mobiles)) == len(mobiles)


def test_grid_polygons_are_valid_do_not_overlap_and_contain_their_buildings(demo, db):
    grids = list(Area.objects.filter(level=AreaLevel.GRID))
    assert len(grids) == 14
    shapes = {}
    for g in grids:
        assert len(g.code) == 15 and g.code.startswith(g.parent.code)
        poly = shape(g.boundary)
        assert g.boundary["type"] == "Polygon" and poly.is_valid and poly.area > 0, g.name
        assert 29.3 < poly.centroid.y < 29.5 and 106.4 < poly.centroid.x < 106.6
        shapes[g.id] = poly
    for a, b in itertools.combinations(shapes.values(), 2):
        assert a.intersection(b).area < 1e-12
    for b in Building.objects.all():
        assert shapes[b.grid_id].contains(Point(b.lng, b.lat)), b
    for shop in PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP):
        assert any(s.contains(Point(shop.lng, shop.lat)) for s in shapes.values())


# -- loading ---------------------------------------------------------------------------------------------
def _fingerprint() -> str:
    rows = Person.objects.order_by("id").values_list("name", "id_number", "mobile", "area__code")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_loading_again_changes_nothing_and_reset_reloads_the_same_people(demo, db):
    assert demo.created
    before, count = _fingerprint(), Person.objects.count()
    again = load_demo()
    assert not again.created and Person.objects.count() == count
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "--reset" in out.getvalue() and "rider-demo" in out.getvalue()

    reloaded = load_demo(reset=True)
    assert reloaded.created
    assert Person.objects.count() == count and _fingerprint() == before
    assert User.objects.filter(username__in=[u for u, _d in DEMO_ACCOUNTS]).count() == 10
    assert dict(reloaded.figures) == dict(demo.figures)
