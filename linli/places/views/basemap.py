"""The local basemap: what a map shows instead of tiles on an intranet (``LINLI_MAP_TILES=local`` or no network)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from linli.core.scope import scoped

from .. import services
from ..models import Area, Building


@require_GET
@cache_control(private=True, max_age=3600)
def basemap(request: HttpRequest) -> JsonResponse:
    """Grid outlines and building points as GeoJSON: a signed-in user's scope; the whole district for the
    public map (administrative geography only, no people)."""
    grids: QuerySet[Area] = Area.objects.all()
    buildings: QuerySet[Building] = Building.objects.all()
    if request.user.is_authenticated:
        grids, buildings = scoped(grids, request.user), scoped(buildings, request.user)
    data = services.basemap_geojson(grids, buildings)
    return JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
