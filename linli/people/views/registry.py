"""The registry pages under ``/places/`` (namespace ``places``): the org tree, and the grid, building and
household pages with the people in them (see ``registry``)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_by_id
from linli.core.scope import get_scoped_or_404
from linli.places import services as place_services
from linli.places.models import Area, AreaLevel, DepartmentKind, PartnerKind

from .. import registry

PARTNERS_PER_PAGE = 50


@login_required
@require_GET
def tree(request: AuthenticatedRequest) -> HttpResponse:
    dept_kind = request.GET.get("dept_kind") if request.GET.get("dept_kind") in DepartmentKind.values else ""
    partner_kind = request.GET.get("partner_kind") if request.GET.get("partner_kind") in PartnerKind.values else ""
    partners, partners_next = page_by_id(place_services.partners_for(request.user, partner_kind or None),
                                         request.GET.get("after"), PARTNERS_PER_PAGE, newest_first=False)
    return render(request, "places/tree.html", {
        "roots": registry.org_tree(request.user),
        "party_roots": place_services.party_tree(request.user),
        "departments": place_services.departments_for(request.user, dept_kind or None),
        "partners": partners,
        "partners_next": partners_next,
        "dept_kind": dept_kind,
        "partner_kind": partner_kind,
        "dept_kinds": DepartmentKind.choices,
        "partner_kinds": PartnerKind.choices,
    })


@login_required
@require_GET
def grid_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    grid = get_scoped_or_404(Area.objects.filter(level=AreaLevel.GRID).select_related("parent__parent"),
                             request.user, code=code)
    summary = registry.grid_summary(grid)
    return render(request, "places/grid.html", {
        "grid": grid,
        "community": grid.parent,
        "street": grid.parent.parent if grid.parent else None,
        "summary": summary,
        "boundary_json": json.dumps(grid.boundary) if grid.boundary else "",
    })


@login_required
@require_GET
def building_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    building = registry.building_for(request.user, pk)
    grid = building.grid
    return render(request, "places/building.html", {
        "page": registry.building_page(building),
        "building": building,
        "grid": grid,
        "community": grid.parent,
        "street": grid.parent.parent if grid.parent else None,
    })


@login_required
@require_GET
def household_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    household = registry.household_for(request.user, pk)
    return render(request, "places/household.html", {
        "page": registry.household_page(household, request.user),
        "household": household,
        "building": household.unit.building,
        "grid": household.grid,
    })
