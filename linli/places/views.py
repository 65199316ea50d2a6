"""Pages of the places app: org tree, grid, building and household pages, grid map, GeoJSON of the grids
and point lookup."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.core.paging import page_by_id
from linli.core.scope import get_scoped_or_404, scoped

from . import services
from .geo import InvalidCoordinates, locate, parse_lat_lng
from .models import Area, AreaLevel, DepartmentKind, PartnerKind

PARTNERS_PER_PAGE = 50


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    dept_kind = request.GET.get("dept_kind") if request.GET.get("dept_kind") in DepartmentKind.values else ""
    partner_kind = request.GET.get("partner_kind") if request.GET.get("partner_kind") in PartnerKind.values else ""
    partners, partners_next = page_by_id(services.partners_for(request.user, partner_kind or None),
                                         request.GET.get("after"), PARTNERS_PER_PAGE, newest_first=False)
    return render(request, "places/tree.html", {
        "roots": services.org_tree(request.user),
        "party_roots": services.party_tree(request.user),
        "departments": services.departments_for(request.user, dept_kind or None),
        "partners": partners,
        "partners_next": partners_next,
        "dept_kind": dept_kind,
        "partner_kind": partner_kind,
        "dept_kinds": DepartmentKind.choices,
        "partner_kinds": PartnerKind.choices,
    })


@login_required
@require_GET
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    grid = get_scoped_or_404(Area.objects.filter(level=AreaLevel.GRID).select_related("parent__parent"),
                             request.user, code=code)
    summary = services.grid_summary(grid)
    return render(request, "places/grid.html", {
        "grid": grid,
        "community": grid.parent,
        "street": grid.parent.parent if grid.parent else None,
        "summary": summary,
        "boundary_json": json.dumps(grid.boundary) if grid.boundary else "",
    })


@login_required
@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = services.building_for(request.user, pk)
    grid = building.grid
    return render(request, "places/building.html", {
        "page": services.building_page(building),
        "building": building,
        "grid": grid,
        "community": grid.parent,
        "street": grid.parent.parent if grid.parent else None,
    })


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = services.household_for(request.user, pk)
    return render(request, "places/household.html", {
        "page": services.household_page(household, request.user),
        "household": household,
        "building": household.unit.building,
        "grid": household.grid,
    })


@login_required
@require_GET
def grid_map(request: HttpRequest) -> HttpResponse:
    return render(request, "places/map.html", {})


@login_required
@require_GET
def grids_geojson(request: HttpRequest) -> JsonResponse:
    data = services.grids_geojson(scoped(Area.objects.all(), request.user))
    return JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def locate_point(request: HttpRequest) -> HttpResponse:
    """``?lat=&lng=`` → ``{"grid": {"code", "name"} | null}``; 400 with a message for bad coordinates.

    An htmx request gets a small HTML fragment for the form on the map page instead."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Please sign in first.")}, status=401)
    try:
        grid = locate(*parse_lat_lng(request.GET.get("lat", ""), request.GET.get("lng", "")))
    except InvalidCoordinates as exc:
        if request.htmx:
            # htmx swaps only 2xx answers; the fragment carries the error.
            return render(request, "places/_locate_result.html", {"error": str(exc)})
        return JsonResponse({"error": str(exc)}, status=400)
    if request.htmx:
        visible = grid is not None and scoped(Area.objects.filter(pk=grid.pk), request.user).exists()
        return render(request, "places/_locate_result.html", {"grid": grid, "linkable": visible})
    data = {"grid": {"code": grid.code, "name": grid.name} if grid else None}
    return JsonResponse(data)
