"""The grid map, GeoJSON of the grids and point lookup.  The org tree and the
grid, building and household pages show people too: they are in ``linli.people.views.registry``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.core.http import HtmxRequest
from linli.core.scope import scoped

from .. import services
from ..geo import InvalidCoordinates, locate, parse_lat_lng
from ..models import Area

PARTNERS_PER_PAGE = 50


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
def locate_point(request: HtmxRequest) -> HttpResponse:
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
