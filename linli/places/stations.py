"""Rules of the 15-minute service circle: which stations are open, the nearest ones, and coverage per grid.

- ``is_open(station, at)``: the weekday intervals of the station's ``hours`` (prefetched), an interval
  closing at or before it opens runs past midnight, ``all_day`` is open around the clock; a closure date
  cancels the intervals that start on that date.  Times are read in Asia/Shanghai.
- ``nearest(lat, lng, ...)``: active stations within ``search_km`` of the point (an indexed box first),
  by straight-line distance, with walking and riding minutes at the configured speeds.
- ``coverage(grids, ...)``: for each grid, the share of its surface farther than ``minutes`` (15) at the
  chosen speed from every station that is open at that moment and has the amenity; the uncovered part as
  GeoJSON for the map.  Distances are straight lines in a local metric projection (``geo._Projection``).

Speeds come from the settings ``LINLI_WALK_KMH`` (default 5) and ``LINLI_RIDE_KMH`` (default 15) and may
be changed per request on the coverage page.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import cast

import shapely
from django.conf import settings
from django.db.models import F, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from .geo import EARTH_RADIUS_M, _Projection, distance_m
from .models import Area, AreaLevel
from .models_stations import Amenity, OpeningHours, ServiceStation, StationClosure, StationPhoto

CIRCLE_MINUTES = 15
MAX_RESULTS = 20
MAX_MAP_STATIONS = 500
MIN_KMH, MAX_KMH = 1.0, 40.0
CIRCLE_SEGMENTS = 32  # quarter-circle segments of a buffer: area error < 0.2 %


def walk_kmh() -> float:
    return float(getattr(settings, "LINLI_WALK_KMH", 5))


def ride_kmh() -> float:
    return float(getattr(settings, "LINLI_RIDE_KMH", 15))


def search_km() -> float:
    return float(getattr(settings, "LINLI_STATION_SEARCH_KM", 10))


# The amenity catalogue a new installation starts with (editable in the admin afterwards).
DEFAULT_AMENITIES: list[tuple[str, str]] = [
    ("rest", "歇脚休息"), ("rain-shelter", "避雨避暑"), ("charging", "手机/电瓶充电"), ("heating-food", "热饭"),
    ("drinking-water", "饮水"), ("toilet", "如厕"), ("first-aid", "应急药箱"), ("employment", "就业指导"),
    ("legal-aid", "法律援助"), ("counselling", "心理疏导"),
]


def seed_amenities(model=None) -> int:
    """Create the default amenities that are missing; returns how many were added."""
    model = model or Amenity
    existing = set(model.objects.values_list("code", flat=True))
    rows = [model(code=code, name=name, order=10 * (i + 1)) for i, (code, name) in enumerate(DEFAULT_AMENITIES)
            if code not in existing]
    model.objects.bulk_create(rows)
    return len(rows)


class StationQueryError(ValueError):
    """A bad search parameter; the message is in the user's language."""


# --- Opening hours ---------------------------------------------------------------------------------

def _closed_on(station: ServiceStation, day: dt.date) -> bool:
    return any(c.starts_on <= day <= c.ends_on for c in station.closures.all())


def open_interval(station: ServiceStation, at: dt.datetime) -> OpeningHours | None:
    """The interval that has the station open at ``at``, or None when it is closed."""
    local = timezone.localtime(at)
    day, time, weekday = local.date(), local.time(), local.weekday()
    yesterday = day - dt.timedelta(days=1)
    for h in station.hours.all():
        if h.all_day:
            if h.weekday == weekday and not _closed_on(station, day):
                return h
            continue
        # Both times are set unless the interval is all day (``OpeningHours.clean`` sees to it).
        opens, closes = cast(dt.time, h.opens), cast(dt.time, h.closes)
        if opens < closes:
            if h.weekday == weekday and opens <= time < closes and not _closed_on(station, day):
                return h
        else:  # past midnight: the evening part on its own weekday, the morning part on the next one
            if h.weekday == weekday and time >= opens and not _closed_on(station, day):
                return h
            if h.weekday == (weekday - 1) % 7 and time < closes and not _closed_on(station, yesterday):
                return h
    return None


def is_open(station: ServiceStation, at: dt.datetime | None = None) -> bool:
    return open_interval(station, at or timezone.now()) is not None


def open_label(station: ServiceStation, at: dt.datetime) -> str:
    """"Open 24 hours", "Open until 22:00" or "Closed now", for the lists."""
    h = open_interval(station, at)
    if h is None:
        return _("Closed now")
    if h.all_day:
        return _("Open 24 hours")
    return _("Open until %(time)s") % {"time": cast(dt.time, h.closes).strftime("%H:%M")}


def week_table(station: ServiceStation) -> list[tuple[str, list[str]]]:
    """(weekday name, ["08:00–22:00", "22:00–次日06:00", …]) for Monday to Sunday; an empty list is closed."""
    from .models_stations import Weekday

    rows = []
    for value, label in Weekday.choices:
        spans = []
        for h in station.hours.all():
            if h.weekday != value:
                continue
            if h.all_day:
                spans.append(_("24 hours"))
            elif h.overnight:
                spans.append(_("%(opens)s–next day %(closes)s") % {"opens": f"{h.opens:%H:%M}",
                                                                    "closes": f"{h.closes:%H:%M}"})
            else:
                spans.append(f"{h.opens:%H:%M}–{h.closes:%H:%M}")
        rows.append((str(label), spans))
    return rows


# --- Search ------------------------------------------------------------------------------------------


def minutes(metres: float, kmh: float) -> int:
    """Whole minutes (rounded up, at least 1) to cover ``metres`` at ``kmh``."""
    return max(1, math.ceil(metres / (kmh * 1000 / 60)))


def stations_qs(at: dt.datetime | None = None) -> QuerySet:
    """Active stations with what the pages show, in four queries whatever their number; the closures
    prefetched are those that matter from the day before ``at`` (default now) on."""
    today = timezone.localtime(at).date() if at else timezone.localdate()
    return (ServiceStation.objects.filter(active=True).select_related("operator", "area")
            .prefetch_related("hours", Prefetch("amenities", queryset=Amenity.objects.filter(active=True)),
                              Prefetch("closures", queryset=StationClosure.objects.filter(
                                  ends_on__gte=today - dt.timedelta(days=1)))))


def hotlines_for(home_code: str | Subquery | None, limit: int = 3) -> list[ServiceStation]:
    """The active stations with a phone that serve a person's home area (its code, or a subquery giving it):
    those of the grid first, then of the community and the street, in one query.  Area codes nest, so a
    station serves the home when its area's code is a prefix of the home's."""
    if home_code is None:
        return []
    home = Value(home_code) if isinstance(home_code, str) else home_code
    return list(ServiceStation.objects.filter(active=True).exclude(contact_phone="")
                .annotate(home=home).filter(home__startswith=F("area__code"))
                .order_by(Length("area__code").desc(), "kind", "name")[:limit])


def amenity_by_code(code: str | None) -> Amenity | None:
    """The active amenity of that code; None for an empty code; ``StationQueryError`` for an unknown one."""
    if not code:
        return None
    amenity = Amenity.objects.filter(code=code, active=True).first() if len(code) <= 40 else None
    if amenity is None:
        raise StationQueryError(_("There is no such service: %(code)s.") % {"code": code[:40]})
    return amenity


@dataclass(frozen=True)
class StationHit:
    station: ServiceStation
    open: bool
    status: str
    distance_m: int | None = None
    walk_minutes: int | None = None
    ride_minutes: int | None = None


def _box(lat: float, lng: float, km: float) -> dict:
    dlat = km * 1000 / 111_195
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return {"lat__gte": lat - dlat, "lat__lte": lat + dlat, "lng__gte": lng - dlng, "lng__lte": lng + dlng}


def nearest(lat: float, lng: float, *, amenity: Amenity | None = None, open_only: bool = True,
            at: dt.datetime | None = None, limit: int = 10) -> list[StationHit]:
    """Stations within ``search_km`` of the point, nearest first, optionally only open ones with ``amenity``."""
    at = at or timezone.now()
    qs = stations_qs(at).filter(**_box(lat, lng, search_km()))
    if amenity is not None:
        qs = qs.filter(amenities=amenity)
    hits = []
    for s in qs[:MAX_MAP_STATIONS]:
        d = distance_m(lat, lng, s.lat, s.lng)
        if d > search_km() * 1000:
            continue
        is_open_now = open_interval(s, at) is not None
        if open_only and not is_open_now:
            continue
        hits.append(StationHit(s, is_open_now, open_label(s, at), round(d), minutes(d, walk_kmh()),
                               minutes(d, ride_kmh())))
    hits.sort(key=lambda h: (h.distance_m, h.station.pk))
    return hits[:max(1, min(limit, MAX_RESULTS))]


def all_stations(*, amenity: Amenity | None = None, open_only: bool = False,
                 at: dt.datetime | None = None) -> list[StationHit]:
    """Every active station (at most ``MAX_MAP_STATIONS``), for the map when no place is chosen."""
    at = at or timezone.now()
    qs = stations_qs(at)
    if amenity is not None:
        qs = qs.filter(amenities=amenity)
    hits = [StationHit(s, open_interval(s, at) is not None, open_label(s, at)) for s in qs[:MAX_MAP_STATIONS]]
    return [h for h in hits if h.open or not open_only]


def community_origin(code: str) -> tuple[Area, float, float]:
    """A community (or grid) chosen instead of the phone's position, and the point to measure from."""
    area = Area.objects.filter(code=code, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]).first() \
        if code.isdigit() and len(code) <= 15 else None
    if area is None:
        raise StationQueryError(_("Choose a community from the list."))
    if area.centre_lat is None or area.centre_lng is None:
        raise StationQueryError(_("%(name)s has no position on the map yet.") % {"name": area.name})
    return area, area.centre_lat, area.centre_lng


def communities_with_centre() -> list[Area]:
    return list(Area.objects.filter(level=AreaLevel.COMMUNITY, centre_lat__isnull=False)
                .select_related("parent").order_by("code")[:500])


def hit_json(hit: StationHit) -> dict:
    s = hit.station
    from django.urls import reverse

    return {
        "id": s.pk, "name": s.name, "kind": s.kind, "kind_label": str(s.get_kind_display()),
        "address": s.address, "lat": s.lat, "lng": s.lng,
        "operator": s.operator.name if s.operator is not None else None,
        "contact_phone": s.contact_phone or None,
        "amenities": [{"code": a.code, "name": a.name} for a in s.amenities.all()],
        "open_now": hit.open, "status": hit.status,
        "distance_m": hit.distance_m, "walk_minutes": hit.walk_minutes, "ride_minutes": hit.ride_minutes,
        "url": reverse("places:station", args=[s.pk]),
    }


# --- Coverage ----------------------------------------------------------------------------------------

def parse_kmh(raw: str | None, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise StationQueryError(_("The speed must be a number of km/h.")) from None
    if not math.isfinite(value) or not MIN_KMH <= value <= MAX_KMH:
        raise StationQueryError(_("The speed must be between %(low)d and %(high)d km/h.")
                                % {"low": MIN_KMH, "high": MAX_KMH})
    return value


@dataclass(frozen=True)
class GridCoverage:
    grid: Area
    uncovered_share: float  # 0..1
    uncovered: dict | None  # GeoJSON geometry (WGS-84) of the part beyond the circle, or None
    area_m2: float = 0.0
    uncovered_m2: float = 0.0

    @property
    def percent(self) -> float:
        return round(self.uncovered_share * 100, 1)


def coverage(grids: list[Area], *, amenity: Amenity | None, kmh: float, at: dt.datetime | None = None,
             minutes_: int = CIRCLE_MINUTES) -> list[GridCoverage]:
    """For each grid with a boundary: the share of it beyond ``minutes_`` at ``kmh`` from an open station."""
    at = at or timezone.now()
    shapes = []
    for g in grids:
        if not g.boundary:
            continue
        try:
            geom = shape(g.boundary)
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.ShapelyError):
            continue
        if geom.is_empty:
            continue
        shapes.append((g, geom if geom.is_valid else shapely.make_valid(geom)))
    if not shapes:
        return []
    minx, miny, maxx, maxy = shapely.total_bounds([s for _g, s in shapes])
    projection = _Projection(lat0=(miny + maxy) / 2, lng0=(minx + maxx) / 2)
    radius = kmh * 1000 / 60 * minutes_
    pad_lat = radius / 111_195
    pad_lng = pad_lat / max(math.cos(math.radians(projection.lat0)), 0.01)
    qs = stations_qs(at).filter(lat__gte=miny - pad_lat, lat__lte=maxy + pad_lat,
                              lng__gte=minx - pad_lng, lng__lte=maxx + pad_lng)
    if amenity is not None:
        qs = qs.filter(amenities=amenity)
    circles = [projection.point(s.lat, s.lng).buffer(radius, quad_segs=CIRCLE_SEGMENTS)
               for s in qs if open_interval(s, at) is not None]
    covered = shapely.union_all(circles) if circles else None
    k = math.pi / 180 * EARTH_RADIUS_M
    cos0 = math.cos(math.radians(projection.lat0))

    def back(coords):
        out = coords.copy()
        out[:, 0] = coords[:, 0] / (k * cos0) + projection.lng0
        out[:, 1] = coords[:, 1] / k + projection.lat0
        return out

    result = []
    for g, geom in shapes:
        local = projection.geometry(geom)
        rest = local.difference(covered) if covered is not None else local
        share = rest.area / local.area if local.area > 0 else 0.0
        outline = mapping(shapely.transform(rest, back)) if not rest.is_empty else None
        result.append(GridCoverage(g, min(1.0, max(0.0, share)), outline, local.area, rest.area))
    return result


def by_community(rows: list[GridCoverage]) -> list[tuple[Area, float]]:
    """(community, uncovered percent) from the grids' surfaces: the share of the community's grids uncovered."""
    totals: dict[int | None, list] = {}
    for r in rows:
        entry = totals.setdefault(r.grid.parent_id, [r.grid.parent, 0.0, 0.0])
        entry[1] += r.area_m2
        entry[2] += r.uncovered_m2
    return [(c, round(100 * u / a, 1) if a else 0.0) for c, a, u in sorted(totals.values(), key=lambda t: t[0].code)]


# --- A station's page: photos and the activities held there -------------------------------------------------

def station_photos(station: ServiceStation) -> list[StationPhoto]:
    return list(station.photos.order_by("order", "id")[:6])


def station_activities(station: ServiceStation, now: dt.datetime | None = None, days_back: int = 90) -> dict:
    """The service activities held at ``station`` (volunteering sets ``Activity.station``): the coming ones and
    those of the last ``days_back`` days, never cancelled ones.  Read through the reverse relation, so places
    does not import volunteering (which sits above it)."""
    now = now or timezone.now()
    held = station.activities.filter(cancelled=False)  # the reverse relation of volunteering.Activity.station
    coming = list(held.filter(ends_at__gte=now).order_by("starts_at", "id")[:10])
    past = list(held.filter(ends_at__lt=now, starts_at__gte=now - dt.timedelta(days=days_back))
                .order_by("-starts_at", "-id")[:10])
    return {"coming": coming, "past": past}

