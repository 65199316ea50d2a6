"""The scope matrix: every role against objects inside and outside its scope.

Inside the scope an object is in ``scoped()`` and its page answers 200; outside it is not, and its
page answers 404 (never 403, never 500, never a page with its data).  Lists (people, org tree, grid
GeoJSON) show what is inside and nothing that is outside.

To cover a new model add one line to ``KINDS``; to cover a new role add one line to ``ROLES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from linli.core.models import User
from linli.core.scope import scoped
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area, Building, BuildingUnit, Household, PartnerUnit

# --- Where objects live ---------------------------------------------------------------------------
# g1 and g2 are the two grids of community A1 (street A); h1 is the grid of community B1 (street B).
GRIDS = ("g1", "g2", "h1")
# People who are not residents of a grid: the user themself, a colleague in the same department,
# a colleague at the same sponsor shop.
SELF, DEPT_COLLEAGUE, SHOP_COLLEAGUE = "self", "dept_colleague", "shop_colleague"
EVERYWHERE = frozenset(GRIDS + (SELF, DEPT_COLLEAGUE, SHOP_COLLEAGUE))


@dataclass(frozen=True)
class Role:
    """How to make a user with this role, and which locations it sees."""

    role: str | None
    unit: str | None  # attribute of the world holding the unit the role is held in
    sees: frozenset[str]
    superuser: bool = False


ROLES: dict[str, Role] = {
    "grid_worker": Role("grid_worker", "g1", frozenset({"g1", SELF})),
    "part_time_grid_member": Role("part_time_grid_member", "g1", frozenset({"g1", SELF})),
    "community_staff": Role("community_staff", "comm_a1", frozenset({"g1", "g2", SELF})),
    "street_staff": Role("street_staff", "street_a", frozenset({"g1", "g2", SELF})),
    "district_admin": Role("district_admin", "district", EVERYWHERE),
    "department_handler": Role("department_handler", "dept", frozenset({SELF, DEPT_COLLEAGUE})),
    "sponsor_staff": Role("sponsor_staff", "shop", frozenset({SELF, SHOP_COLLEAGUE})),
    "resident_without_role": Role(None, None, frozenset({SELF})),
    "superuser": Role(None, None, EVERYWHERE, superuser=True),
}


@dataclass(frozen=True)
class Kind:
    """A kind of object: how to find the one at a location, and the name of its page (if any)."""

    model: type[Model]
    get: Callable[[SimpleNamespace, str, User], Model]
    url_name: str | None = None
    url_arg: Callable[[Model], object] = lambda obj: obj.pk
    locations: tuple[str, ...] = GRIDS


KINDS: dict[str, Kind] = {
    "person": Kind(Person, lambda w, loc, user: user.person if loc == SELF else w.people[loc], "people:detail",
                   locations=GRIDS + (SELF, DEPT_COLLEAGUE, SHOP_COLLEAGUE)),
    "grid": Kind(Area, lambda w, loc, user: getattr(w, loc), "places:grid", lambda grid: grid.code),
    "building": Kind(Building, lambda w, loc, user: w.buildings[loc], "places:building"),
    "household": Kind(Household, lambda w, loc, user: w.households[loc], "places:household"),
}

MATRIX = [(role, kind, loc) for role in ROLES for kind, k in KINDS.items() for loc in k.locations]


def case_id(case) -> str:
    role, kind, loc = case
    return f"{role}-{kind}@{loc}-{'visible' if loc in ROLES[role].sees else 'hidden'}"


# --- The world --------------------------------------------------------------------------------------

@pytest.fixture
def world(tree, make_person):
    w = SimpleNamespace(**vars(tree), people={}, buildings={}, households={})
    w.shop = PartnerUnit.objects.create(kind="sponsor_shop", name="好邻居超市", area=tree.comm_b1)
    for loc in GRIDS:
        grid = getattr(tree, loc)
        building = Building.objects.create(grid=grid, name=f"楼{loc}", lat=29.4, lng=106.5)
        household = Household.objects.create(unit=BuildingUnit.objects.create(building=building, number="1"),
                                             door=f"门{loc}")
        w.buildings[loc], w.households[loc] = building, household
        w.people[loc] = make_person(grid, name=f"住户{loc}", household=household)
    for loc, role, unit in [(DEPT_COLLEAGUE, "department_handler", {"department": tree.dept}),
                            (SHOP_COLLEAGUE, "sponsor_staff", {"partner": w.shop})]:
        person = make_person(tree.district if loc == DEPT_COLLEAGUE else tree.h1, name=f"同事{loc}")
        RoleAssignment.objects.create(person=person, role=role, starts_on=dt.date(2020, 1, 1), **unit)
        w.people[loc] = person
    return w


@pytest.fixture
def user_for(world, make_user):
    def make(role_name: str) -> User:
        spec = ROLES[role_name]
        unit = getattr(world, spec.unit) if spec.unit else None
        kwargs = {"department": unit} if spec.role == "department_handler" else \
            {"partner": unit, "home": world.g2} if spec.role == "sponsor_staff" else \
            {"area": unit} if spec.role else {"home": world.g1}
        user = make_user(f"u-{role_name}", spec.role, **kwargs)
        if spec.superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        return user

    return make


def page_url(kind: Kind, obj: Model) -> str | None:
    if kind.url_name is None:
        return None
    try:
        return reverse(kind.url_name, args=[kind.url_arg(obj)])
    except NoReverseMatch:
        return None


# --- The matrix -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", MATRIX, ids=case_id)
def test_scope_filter_lets_each_role_see_only_its_objects(world, user_for, case):
    role, kind_name, loc = case
    kind = KINDS[kind_name]
    user = user_for(role)
    obj = kind.get(world, loc, user)
    visible = scoped(kind.model._default_manager.all(), user).filter(pk=obj.pk).exists()
    assert visible == (loc in ROLES[role].sees)


@pytest.mark.parametrize("case", MATRIX, ids=case_id)
def test_object_page_is_200_inside_scope_and_404_outside(client, world, user_for, case):
    role, kind_name, loc = case
    kind = KINDS[kind_name]
    user = user_for(role)
    obj = kind.get(world, loc, user)
    url = page_url(kind, obj)
    if url is None:
        pytest.skip(f"no page for {kind_name} yet ({kind.url_name})")
    client.force_login(user)
    response = client.get(url)
    if loc in ROLES[role].sees:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert str(obj) not in response.content.decode()


# --- Lists --------------------------------------------------------------------------------------------

LISTS = {
    # list URL name → how an object of a location shows in it
    "people:list": lambda w, loc: w.people[loc].name,
    "places:tree": lambda w, loc: getattr(w, loc).name,
    "places:grids_geojson": lambda w, loc: getattr(w, loc).code,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("list_name", LISTS)
def test_lists_show_what_is_inside_and_nothing_outside(client, world, user_for, role, list_name):
    user = user_for(role)
    client.force_login(user)
    response = client.get(reverse(list_name))
    assert response.status_code in (200, 404)
    text = response.content.decode()
    shows = LISTS[list_name]
    for loc in GRIDS:
        if loc in ROLES[role].sees:
            assert shows(world, loc) in text, f"{role} should see {loc} in {list_name}"
        else:
            assert shows(world, loc) not in text, f"{role} must not see {loc} in {list_name}"
