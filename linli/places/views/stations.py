"""Pages of the 15-minute service circle: the station finder (phone, no sign-in), its JSON, a station's
page, and the coverage page for staff."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from linli.core.paging import page_by_id
from linli.core.scope import scope_for, scoped

from .. import stations
from ..forms_stations import CoverageForm, StationSearchForm
from ..models import Area, AreaLevel
from ..models_stations import StationPhoto
from ..stations import StationQueryError

GRIDS_PER_PAGE = 30


def _search(request: HttpRequest) -> tuple[StationSearchForm, dict]:
    """Run the finder's search; the form carries any error and the result is then empty."""
    communities = stations.communities_with_centre()
    form = StationSearchForm(request.GET or None, communities=communities)
    result: dict[str, Any] = {"hits": [], "origin": None, "origin_name": "", "amenity": None, "searched": False}
    if not request.GET:  # nothing chosen yet: every station open now, for the map
        result["hits"] = stations.all_stations(open_only=True, at=timezone.now())
        return form, result
    if not form.is_valid():
        return form, result
    data = form.cleaned_data
    try:
        amenity = stations.amenity_by_code(data["amenity"])
        lat, lng, name = data.get("lat"), data.get("lng"), _("your position")
        if lat is None and data["community"]:
            area, lat, lng = stations.community_origin(data["community"])
            name = area.name
    except StationQueryError as exc:
        form.add_error(None, str(exc))
        return form, result
    now = timezone.now()
    result.update(amenity=amenity, searched=True)
    if lat is None:
        result["hits"] = stations.all_stations(amenity=amenity, open_only=not data["all"], at=now)
    else:
        result.update(origin=(lat, lng), origin_name=name,
                      hits=stations.nearest(lat, cast(float, lng), amenity=amenity, open_only=not data["all"], at=now))
    return form, result


@require_GET
def finder(request: HttpRequest) -> HttpResponse:
    """Riders and residents: which stations are open now and the nearest with a chosen service."""
    form, result = _search(request)
    return render(request, "places/stations/finder.html", {
        "form": form, **result, "walk_kmh": stations.walk_kmh(), "ride_kmh": stations.ride_kmh(),
        "query": request.GET.urlencode(),
    })


@require_GET
def finder_json(request: HttpRequest) -> JsonResponse:
    """The finder as JSON: ``?lat=&lng=`` or ``?community=``, ``amenity=``, ``all=1``; 400 with the errors."""
    form, result = _search(request)
    if request.GET and form.errors:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    origin = result["origin"]
    return JsonResponse({
        "at": timezone.localtime().isoformat(timespec="minutes"),
        "origin": {"lat": origin[0], "lng": origin[1], "name": str(result["origin_name"])} if origin else None,
        "amenity": result["amenity"].code if result["amenity"] else None,
        "walk_kmh": stations.walk_kmh(), "ride_kmh": stations.ride_kmh(),
        "stations": [stations.hit_json(h) for h in result["hits"]],
    }, json_dumps_params={"ensure_ascii": False})


@require_GET
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_object_or_404(stations.stations_qs(), pk=pk)
    now = timezone.now()
    today = timezone.localdate()
    return render(request, "places/stations/detail.html", {
        "station": station,
        "status": stations.open_label(station, now),
        "is_open": stations.is_open(station, now),
        "week": stations.week_table(station),
        "closures": [c for c in station.closures.all() if c.ends_on >= today][:10],
        "photos": stations.station_photos(station),
        "activities": stations.station_activities(station, now),
    })


@require_GET
def station_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A station's photo (public, like the station's page); media files are never served as static files."""
    photo = get_object_or_404(StationPhoto.objects.select_related("station"), pk=photo_id, station_id=pk,
                              station__active=True)
    try:
        handle = photo.image.open("rb")
    except OSError:
        raise Http404 from None
    content_type = mimetypes.guess_type(photo.image.name or "")[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _coverage_grids(request: HttpRequest):
    scope = scope_for(request.user)
    if not (scope.is_staff or scope.area_codes):
        raise Http404
    return scoped(Area.objects.filter(level=AreaLevel.GRID).select_related("parent"), request.user)


def _coverage(request: HttpRequest):
    qs = _coverage_grids(request)
    form = CoverageForm(request.GET or None)
    grids: list[Area] = []
    next_key: int | None = None
    rows: list[stations.GridCoverage] = []
    settings_used: dict[str, Any] = {}
    if form.is_bound and not form.is_valid():
        return form, rows, next_key, settings_used
    data = form.cleaned_data if form.is_bound else {}
    try:
        amenity = stations.amenity_by_code(data.get("amenity"))
    except StationQueryError as exc:
        form.add_error("amenity", str(exc))
        return form, rows, next_key, settings_used
    mode = data.get("mode") or "walk"
    kmh = data.get("kmh") or (stations.walk_kmh() if mode == "walk" else stations.ride_kmh())
    at = data.get("at") or timezone.now()
    grids, next_key = page_by_id(qs, request.GET.get("after"), GRIDS_PER_PAGE, newest_first=False)
    rows = stations.coverage(grids, amenity=amenity, kmh=kmh, at=at)
    settings_used = {"amenity": amenity, "mode": mode, "kmh": kmh, "at": at,
                     "radius_m": round(kmh * 1000 / 60 * stations.CIRCLE_MINUTES)}
    return form, rows, next_key, settings_used


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Staff: the share of each grid more than 15 minutes from an open station with the chosen service."""
    form, rows, next_key, used = _coverage(request)
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "places/stations/coverage.html", {
        "form": form, "rows": sorted(rows, key=lambda r: -r.uncovered_share), "used": used,
        "communities": stations.by_community(rows),
        "next_url": f"?{params.urlencode()}&after={next_key}" if next_key else None,
        "first_url": f"?{params.urlencode()}" if request.GET.get("after") else None,
        "geojson_query": request.GET.urlencode(),
    })


@login_required
@require_GET
def coverage_geojson(request: HttpRequest) -> JsonResponse:
    form, rows, _next, used = _coverage(request)
    if form.is_bound and form.errors:
        return JsonResponse({"errors": [str(e) for errs in form.errors.values() for e in errs]}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    features = []
    for r in rows:
        features.append({"type": "Feature", "geometry": r.grid.boundary,
                         "properties": {"kind": "grid", "code": r.grid.code, "name": r.grid.name,
                                        "uncovered_percent": round(r.uncovered_share * 100, 1)}})
        if r.uncovered:
            features.append({"type": "Feature", "geometry": r.uncovered,
                             "properties": {"kind": "uncovered", "code": r.grid.code, "name": r.grid.name,
                                            "uncovered_percent": round(r.uncovered_share * 100, 1)}})
    hits = stations.all_stations(amenity=used.get("amenity"), open_only=True, at=used.get("at")) if used else []
    for h in hits:
        point = {"type": "Point", "coordinates": [h.station.lng, h.station.lat]}
        features.append({"type": "Feature", "geometry": point,
                         "properties": {"kind": "station", "name": h.station.name}})
    return JsonResponse({"type": "FeatureCollection", "features": features,
                         "radius_m": used.get("radius_m")}, content_type="application/geo+json",
                        json_dumps_params={"ensure_ascii": False})
