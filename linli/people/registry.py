"""The registry pages: the administrative tree with counts of buildings, households and people, and the
grid, building and household pages with their residents and role holders.  They show places and the
people in them, so they live here (people sits above places); their URLs stay under ``/places/``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from linli.core.codes import ancestor_codes
from linli.core.scope import get_scoped_or_404, scope_for, scoped
from linli.core.text import natural_key
from linli.places.models import Area, Building, BuildingUnit, Household, PartyOrg
from linli.places.services import visible_area_q

from .models import Person, Role, RoleAssignment


@dataclass
class TreeNode:
    area: Area
    in_scope: bool
    children: list[TreeNode] = field(default_factory=list)
    buildings: int = 0
    households: int = 0
    people: int = 0


def org_tree(user) -> list[TreeNode]:
    """The administrative tree the user may browse, with counts of buildings, households and people.

    Four queries whatever the size: the areas, then one grouped count per kind of row.  Areas above
    the user's scope are included as context, without counts."""
    scope = scope_for(user)
    if not (scope.everything or scope.area_codes):
        return []
    areas = list(Area.objects.filter(visible_area_q(scope, "code")).order_by("code"))
    nodes = {a.pk: TreeNode(area=a, in_scope=scope.covers_code(a.code)) for a in areas}

    own: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, qs, key in ((0, scoped(Building.objects.all(), user), "grid_id"),
                       (1, scoped(Household.objects.all(), user), "grid_id"),
                       (2, scoped(Person.objects.all(), user), "area_id")):
        for row in qs.order_by().values(key).annotate(n=Count("id")):
            own[row[key]][i] += row["n"]

    roots: list[TreeNode] = []
    for a in areas:
        node = nodes[a.pk]
        parent = nodes.get(a.parent_id) if a.parent_id is not None else None
        (parent.children if parent else roots).append(node)

    def total(node: TreeNode) -> tuple[int, int, int]:
        b, h, p = own.get(node.area.pk, (0, 0, 0))
        for child in node.children:
            cb, ch, cp = total(child)
            b, h, p = b + cb, h + ch, p + cp
        node.buildings, node.households, node.people = b, h, p
        return b, h, p

    for root in roots:
        total(root)
    return roots


# --- Grid page ----------------------------------------------------------------------------------

@dataclass
class GridSummary:
    grid: Area
    buildings: Sequence[Building]
    roles: list
    party_orgs: list[PartyOrg]
    households: int
    people: int


def grid_summary(grid: Area) -> GridSummary:
    """What the grid page shows, in a fixed number of queries."""
    buildings = list(grid.buildings.annotate(unit_count=Count("units", distinct=True),
                                             household_count=Count("units__households")))
    buildings.sort(key=lambda b: natural_key(b.name))
    order = {value: i for i, value in enumerate(Role.values)}
    roles = sorted(RoleAssignment.objects.current().filter(Q(area=grid) | Q(building__grid=grid))
                   .select_related("person", "building"),
                   key=lambda r: (order.get(r.role, 99), r.building.name if r.building else "", r.person.name))
    party_orgs = list(PartyOrg.objects.filter(Q(area__code__in=ancestor_codes(grid.code))
                                              | Q(building__grid=grid))
                      .select_related("area", "building").order_by("area__code", "id"))
    return GridSummary(
        grid=grid,
        buildings=buildings,
        roles=roles,
        party_orgs=party_orgs,
        households=Household.objects.filter(grid=grid).count(),
        people=Person.objects.filter(area=grid).count(),
    )


# --- Building and household pages ------------------------------------------------------------

@dataclass
class BuildingPage:
    building: Building
    units: list[BuildingUnit]  # each with ``households`` prefetched, each household with ``residents``
    roles: list
    party_orgs: list[PartyOrg]
    households: int
    residents: int


def building_for(user, pk: int) -> Building:
    """The building ``pk`` if it lies in the user's scope (with grid, community and street), else 404."""
    qs = Building.objects.select_related("grid__parent__parent")
    return get_scoped_or_404(qs, user, pk=pk)


def building_page(building: Building) -> BuildingPage:
    """Units with their households and resident counts, role holders and party organisations of a
    building: four queries however many units and households it has."""
    households = Household.objects.annotate(residents=Count("members")).order_by("door", "id")
    units = list(building.units.order_by("number", "id").prefetch_related(Prefetch("households", households)))
    order = {value: i for i, value in enumerate(Role.values)}
    roles = sorted(RoleAssignment.objects.current().filter(building=building).select_related("person"),
                   key=lambda r: (order.get(r.role, 99), r.person.name, r.pk))
    party_orgs = list(PartyOrg.objects.filter(Q(building=building) | Q(household__unit__building=building))
                      .select_related("household__unit").order_by("kind", "name", "id"))
    homes = [h for u in units for h in u.households.all()]
    return BuildingPage(building=building, units=units, roles=roles, party_orgs=party_orgs,
                        households=len(homes),
                        residents=sum(h.residents for h in homes))  # type: ignore[attr-defined]  # annotated


@dataclass
class HouseholdPage:
    household: Household
    members: list
    party_orgs: list[PartyOrg]  # a party-member central household (党员中心户) points at its home
    can_open_people: bool


def household_for(user, pk: int) -> Household:
    """The household ``pk`` if it lies in the user's scope, or if it is the user's own home; else 404.

    A resident without a data scope may open their own household page and no other."""
    qs = Household.objects.select_related("unit__building", "grid__parent__parent")
    person_id = getattr(user, "person_id", None)
    if person_id:
        home = qs.filter(pk=pk, members__pk=person_id).first()
        if home is not None:
            return home
    return get_scoped_or_404(qs, user, pk=pk)


def household_page(household: Household, user) -> HouseholdPage:
    """Members (names and masked mobiles) and the party organisations pointing at it (a central household)."""
    members = list(Person.objects.filter(household=household).order_by("name", "id"))
    orgs = list(PartyOrg.objects.filter(household=household).order_by("kind", "name", "id"))
    return HouseholdPage(household=household, members=members, party_orgs=orgs,
                         can_open_people=scope_for(user).covers_code(household.grid.code))
