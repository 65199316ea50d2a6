"""Who may do what with a fund.  Everything here starts from ``core.scope`` and the current role terms.

======================================  ======================================================================
who                                     may
======================================  ======================================================================
community / street staff, district      everything: rates, exemptions, collection in every building,
admin over the fund's area              spending claims, corrections (reversals), the ledger, the statement
grid worker, part-time or guiding grid  collect in every building of the fund, the ledger, the statement
member of the fund's grid
building guardian (守护楼员)             collect in their own buildings, the statement
council chair of the fund's area        approve or reject spending claims, the ledger, the statement
resident of a household under the fund  the monthly statement
everyone else                           nothing: every page of the fund answers 404
======================================  ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from linli.core import roles
from linli.core.codes import code_range
from linli.core.scope import scope_for
from linli.people.models import Person, RoleAssignment

from .models import Fund


@dataclass(frozen=True)
class FundAccess:
    manage: bool = False
    collect_all: bool = False
    building_ids: frozenset[int] = frozenset()
    approve: bool = False
    statement: bool = False

    @property
    def ledger(self) -> bool:
        return self.manage or self.collect_all or self.approve

    @property
    def collect(self) -> bool:
        return self.collect_all or bool(self.building_ids)

    def may_collect_in(self, building_id: int) -> bool:
        return self.collect_all or building_id in self.building_ids


@dataclass(frozen=True)
class _Roles:
    """The current role terms and home of a user that the funds care about (two queries, once per request)."""

    guardian_buildings: tuple[tuple[int, str], ...]  # (building id, grid code)
    chair_codes: tuple[str, ...]
    home_code: str | None


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]


def _roles(user) -> _Roles:
    cached = getattr(user, "_linli_fund_roles", None)
    if cached is not None:
        return cached
    guardian, chair, home = [], [], None
    if getattr(user, "is_authenticated", False) and user.person_id:
        rows = (RoleAssignment.objects.current().filter(
            person_id=user.person_id, role__in=[roles.BUILDING_GUARDIAN, roles.COUNCIL_CHAIR])
            .values_list("role", "building_id", "building__grid__code", "area__code"))
        for role, building_id, grid_code, area_code in rows:
            if role == roles.BUILDING_GUARDIAN and building_id:
                guardian.append((building_id, grid_code))
            elif role == roles.COUNCIL_CHAIR and area_code:
                chair.append(area_code)
        home = (Person.objects.filter(pk=user.person_id, household__isnull=False)
                .values_list("household__grid__code", flat=True).first())
    result = _Roles(tuple(guardian), tuple(chair), home)
    user._linli_fund_roles = result
    return result


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def access_for(user, fund: Fund) -> FundAccess:
    scope, mine = scope_for(user), _roles(user)
    code = fund.area.code
    covered = scope.covers_code(code)
    manage = covered and (scope.everything or scope.has_role(*roles.STAFF_ROLES))
    collect_all = manage or (covered and scope.has_role(*roles.GRID_ROLES))
    buildings = frozenset(b for b, grid in mine.guardian_buildings if grid and grid.startswith(code))
    approve = any(_related(c, code) for c in mine.chair_codes)
    resident = mine.home_code is not None and mine.home_code.startswith(code)
    statement = manage or collect_all or bool(buildings) or approve or resident
    return FundAccess(manage=manage, collect_all=collect_all, building_ids=buildings, approve=approve,
                      statement=statement)


def funds_for(user) -> QuerySet:
    """The funds a user has any access to (one query when evaluated)."""
    scope, mine = scope_for(user), _roles(user)
    qs = Fund.objects.select_related("area")
    if scope.everything:
        return qs
    q = scope.area_q("area__code")
    codes = {p for _b, grid in mine.guardian_buildings if grid for p in _prefixes(grid)}
    codes |= {p for c in mine.chair_codes for p in _prefixes(c)}
    if mine.home_code:
        codes |= set(_prefixes(mine.home_code))
    if codes:
        q |= Q(area__code__in=sorted(codes))
    for c in mine.chair_codes:  # a chair of a community also oversees the funds of its grids
        low, high = code_range(c)
        q |= Q(area__code__gte=low, area__code__lt=high)
    return qs.filter(q)


def fund_or_404(user, pk: int, need: str = "statement") -> tuple[Fund, FundAccess]:
    """The fund and the user's access to it, or 404 when the user lacks ``need`` (an attribute of FundAccess)."""
    fund = Fund.objects.select_related("area").filter(pk=pk).first()
    if fund is None:
        raise Http404
    access = access_for(user, fund)
    if not getattr(access, need):
        raise Http404
    return fund, access

