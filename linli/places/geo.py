"""Grid geometry: GeoJSON validation, grid centres and ``locate(lat, lng)``.

Boundaries are GeoJSON Polygon/MultiPolygon geometries in WGS-84 (lng, lat).  ``locate`` keeps one
shapely ``STRtree`` of all grid boundaries per process, in a local metric projection (equirectangular
around the grids' centre) so that distances are metres.  The index is rebuilt when the grids change:
a ``post_save``/``post_delete`` signal on areas drops the index of this process at once, and a cheap
version stamp (grid count and latest ``updated_at``, one aggregate query) catches changes made by other
processes; it is compared at most every ``LINLI_LOCATE_RECHECK_SECONDS`` (2 s), so that a burst of calls
costs no query.  ``locate_many`` answers a whole batch of points with vectorised shapely queries.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db import connection
from django.db.models.base import ModelState
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from shapely.geometry import shape
from shapely.validation import explain_validity

from linli.core.text import ascii_digits

from .models import Area, AreaLevel

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8


class GeometryError(ValueError):
    """A GeoJSON geometry that is not a valid grid boundary; the message is in the user's language."""


class InvalidCoordinates(ValueError):
    """Latitude/longitude that are not finite numbers within WGS-84 bounds."""


# --- Validation -------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def check_lat_lng(lat: Any, lng: Any) -> tuple[float, float]:
    """``(lat, lng)`` as floats, or ``InvalidCoordinates`` saying what is wrong (numbers only)."""
    if type(lat) is float and type(lng) is float and -90 <= lat <= 90 and -180 <= lng <= 180:
        return lat, lng  # the common case, without translating the labels (NaN fails the comparisons)
    values = []
    for value, label in ((lat, gettext_noop("Latitude")), (lng, gettext_noop("Longitude"))):
        if not _is_number(value):
            raise InvalidCoordinates(_("%(label)s must be a number.") % {"label": _(label)})
        value = float(value)
        if not math.isfinite(value):
            raise InvalidCoordinates(_("%(label)s must be a finite number.") % {"label": _(label)})
        values.append(value)
    lat_f, lng_f = values
    if not -90 <= lat_f <= 90:
        raise InvalidCoordinates(_("Latitude must be between -90 and 90 (got %(value)s).") % {"value": lat_f})
    if not -180 <= lng_f <= 180:
        raise InvalidCoordinates(
            _("Longitude must be between -180 and 180 (got %(value)s).") % {"value": lng_f})
    return lat_f, lng_f


def check_points(points: Sequence[tuple[Any, Any]]) -> np.ndarray:
    """Many ``(lat, lng)`` checked like ``check_lat_lng``, as an array of (lng, lat) rows."""
    if all(type(lat) is float and type(lng) is float for lat, lng in points):
        lnglat = np.array(points, dtype=float).reshape(-1, 2)[:, ::-1]
        lat, lng = lnglat[:, 1], lnglat[:, 0]
        if ((lat >= -90) & (lat <= 90) & (lng >= -180) & (lng <= 180)).all():  # NaN fails too
            return lnglat
    return np.array([check_lat_lng(lat, lng)[::-1] for lat, lng in points], dtype=float).reshape(-1, 2)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def parse_lat_lng(lat: str, lng: str) -> tuple[float, float]:
    """Coordinates typed in a form or query string, checked like ``check_lat_lng``."""
    values = []
    for text, label in ((lat, _("Latitude")), (lng, _("Longitude"))):
        text = (text or "").strip()
        if not text:
            raise InvalidCoordinates(_("%(label)s is missing.") % {"label": label})
        try:
            values.append(float(ascii_digits(text)))  # １ is 1; ١ (Arabic-Indic) is refused
        except ValueError:
            raise InvalidCoordinates(_("%(label)s must be a number.") % {"label": label}) from None
    return check_lat_lng(*values)


# explain_validity() reasons (GEOS) → English msgids, translated in the places catalogue.
_VALIDITY_REASONS = {
    "self-intersection": gettext_noop("the polygon intersects itself"),
    "ring self-intersection": gettext_noop("a ring touches itself"),
    "too few points in geometry component": gettext_noop("a ring has too few distinct points"),
    "hole lies outside shell": gettext_noop("a hole lies outside the outer ring"),
    "nested holes": gettext_noop("holes are nested inside each other"),
    "nested shells": gettext_noop("the polygons of the multipolygon are nested"),
    "interior is disconnected": gettext_noop("the interior is split into parts"),
    "invalid coordinate": gettext_noop("a coordinate is not valid"),
    "ring is not closed": gettext_noop("a ring is not closed"),
}
_EXPLAIN_RE = re.compile(r"^(?P<reason>[^\[]+?)\s*(\[(?P<x>[-\d.eE+]+)\s+(?P<y>[-\d.eE+]+)\])?$")


def explain_invalid(geom: shapely.Geometry) -> str:
    """A translated phrase for why ``geom`` is invalid, with the place where GEOS found the problem."""
    raw = explain_validity(geom)
    match = _EXPLAIN_RE.match(raw.strip())
    reason_key = (match.group("reason") if match else raw).strip().lower()
    english = _VALIDITY_REASONS.get(reason_key)
    reason = _(english) if english else _("invalid polygon (%(detail)s)") % {"detail": raw}
    if match and match.group("x"):
        return _("%(reason)s near longitude %(lng)s, latitude %(lat)s") % {
            "reason": reason, "lng": _fmt(float(match.group("x"))), "lat": _fmt(float(match.group("y")))}
    return reason


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _check_ring(ring: Any, where: str) -> None:
    if not isinstance(ring, list):
        raise GeometryError(_("%(where)s is not a list of positions.") % {"where": where})
    for j, pos in enumerate(ring, start=1):
        if not isinstance(pos, list) or len(pos) < 2 or len(pos) > 3:
            raise GeometryError(_("%(where)s, position %(n)d is not a [longitude, latitude] pair.")
                                % {"where": where, "n": j})
        if not all(_is_number(v) and math.isfinite(v) for v in pos):
            raise GeometryError(_("%(where)s, position %(n)d: coordinates must be numbers.")
                                % {"where": where, "n": j})
        lng, lat = pos[0], pos[1]
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise GeometryError(
                _("%(where)s, position %(n)d: [%(lng)s, %(lat)s] is outside WGS-84 "
                  "(longitude -180..180, latitude -90..90; is the order [longitude, latitude]?).")
                % {"where": where, "n": j, "lng": pos[0], "lat": pos[1]})
    if len(ring) < 4:
        raise GeometryError(_("%(where)s has %(n)d positions; a ring needs at least 4.")
                            % {"where": where, "n": len(ring)})
    if ring[0][:2] != ring[-1][:2]:
        raise GeometryError(_("%(where)s is not closed: its last position must equal its first.")
                            % {"where": where})


def _check_polygon(rings: Any, prefix: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(_("%(where)s has no rings.") % {"where": prefix or _("The polygon")})
    for i, ring in enumerate(rings, start=1):
        label = _("outer ring") if i == 1 else _("hole %(n)d") % {"n": i - 1}
        _check_ring(ring, f"{prefix}{label}")


def validate_boundary(geometry: Any) -> shapely.Geometry:
    """Check a GeoJSON Polygon/MultiPolygon in WGS-84 and return it as a shapely geometry.

    Raises ``GeometryError`` whose message says what is wrong and where (a Chinese phrase under the
    default language), e.g. a self-intersecting "bow-tie" polygon."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("The geometry is missing or is not a GeoJSON object."))
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(_("The geometry must be a Polygon or MultiPolygon, not %(type)s.")
                            % {"type": kind if isinstance(kind, str) else _("nothing")})
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coords, "")
    else:
        if not isinstance(coords, list) or not coords:
            raise GeometryError(_("The multipolygon has no polygons."))
        for i, rings in enumerate(coords, start=1):
            _check_polygon(rings, _("polygon %(n)d, ") % {"n": i})
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(_("The geometry cannot be read (%(detail)s).") % {"detail": exc}) from None
    if geom.is_empty:
        raise GeometryError(_("The geometry is empty."))
    if not geom.is_valid:
        raise GeometryError(_("Invalid polygon: %(reason)s.") % {"reason": explain_invalid(geom)})
    return geom


def centre_of(geometry: dict | shapely.Geometry) -> tuple[float, float]:
    """A representative point of a boundary, guaranteed inside it: ``(lat, lng)``."""
    geom = geometry if isinstance(geometry, shapely.Geometry) else shape(geometry)
    point = geom.representative_point()
    return round(point.y, 7), round(point.x, 7)


def set_centre(area: Area) -> None:
    """Fill ``centre_lat``/``centre_lng`` from the boundary (cleared when there is none)."""
    if area.boundary:
        area.centre_lat, area.centre_lng = centre_of(area.boundary)
    else:
        area.centre_lat = area.centre_lng = None


# --- locate() -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Projection:
    """Equirectangular projection around (lat0, lng0): metres east/north of the centre."""

    lat0: float
    lng0: float

    def forward(self, coords: np.ndarray) -> np.ndarray:
        k = math.pi / 180 * EARTH_RADIUS_M
        out = np.empty_like(coords, dtype=float)
        out[:, 0] = (coords[:, 0] - self.lng0) * k * math.cos(math.radians(self.lat0))
        out[:, 1] = (coords[:, 1] - self.lat0) * k
        return out

    def geometry(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, self.forward)

    def point(self, lat: float, lng: float) -> shapely.Point:
        k = math.pi / 180 * EARTH_RADIUS_M
        return shapely.Point((lng - self.lng0) * k * math.cos(math.radians(self.lat0)), (lat - self.lat0) * k)


_GRID_FIELDS = [f.attname for f in Area._meta.concrete_fields if f.attname != "boundary"]
_CODE, _ID = _GRID_FIELDS.index("code"), _GRID_FIELDS.index("id")


@dataclass(frozen=True)
class _GridIndex:
    stamp: tuple
    projection: _Projection
    tree: shapely.STRtree
    rows: tuple[tuple, ...]  # field values of each grid (without boundary), in code order
    above: dict[int, tuple]  # field values of every unit above the grids, by id

    _protos: dict[int, Area] = field(default_factory=dict, compare=False)  # grid i / unit -id-1 → prototype

    def _proto(self, key: int, row: tuple) -> Area:
        proto = self._protos.get(key)
        if proto is None:
            proto = self._protos[key] = Area.from_db("default", _GRID_FIELDS, row)
        return proto

    def area(self, i: int, parents: dict[int, Area] | None = None) -> Area:
        """A fresh ``Area`` for row ``i`` with fresh parents up to the district attached (``ancestor()``
        and ``parent`` run no query); boundaries are loaded on first access.

        ``parents`` (parent id → ``Area``) shares the parents among the grids of one batch."""
        parents = {} if parents is None else parents
        grid = node = _clone(self._proto(i, self.rows[i]))
        while node.parent_id is not None and (row := self.above.get(node.parent_id)) is not None:
            parent = parents.get(node.parent_id)
            cache = node._state.fields_cache  # what ``node.parent = parent`` sets, without the descriptor's checks
            if parent is not None:
                cache["parent"] = parent  # its own parents are attached already
                break
            parent = cache["parent"] = parents[node.parent_id] = _clone(self._proto(-node.parent_id - 1, row))
            node = parent
        return grid


def _clone(proto: Area) -> Area:
    """A copy of an unsaved-changes-free ``Area`` loaded from the database, ~30 times cheaper than
    ``from_db``: the same field values, its own state and relation cache."""
    area = Area.__new__(Area)
    area.__dict__.update(proto.__dict__)
    state = area._state = ModelState()
    state.db, state.adding = proto._state.db, False
    return area


_index: _GridIndex | None = None
_checked_at = 0.0  # time.monotonic() of the last stamp comparison
_lock = threading.Lock()


def _stamp_sql() -> str:
    q = connection.ops.quote_name
    return f"SELECT COUNT(*), MAX({q('updated_at')}) FROM {q(Area._meta.db_table)}"  # noqa: S608 - fixed names


def _stamp() -> tuple:
    """(number of units, latest ``updated_at``) of all units (the index keeps the grids' parents too): one
    small aggregate query.

    Plain SQL on purpose: through the ORM the same query costs ~15 times more, and it runs on every call."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        return tuple(cursor.fetchone())


def _build(stamp: tuple) -> _GridIndex:
    geoms, rows = [], []
    grids = Area.objects.filter(level=AreaLevel.GRID, boundary__isnull=False).order_by("code")
    for *fields, boundary in grids.values_list(*_GRID_FIELDS, "boundary"):
        code = fields[_CODE]
        try:
            geom = shape(boundary)
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.ShapelyError):
            log.warning("grid %s: boundary is not readable GeoJSON, left out of locate()", code)
            continue
        if geom.is_empty:
            continue
        if not geom.is_valid:
            log.warning("grid %s: invalid boundary (%s), repaired for locate()", code, explain_validity(geom))
            geom = shapely.make_valid(geom)
        geoms.append(geom)
        rows.append(tuple(fields))
    if geoms:
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        projection = _Projection(lat0=(miny + maxy) / 2, lng0=(minx + maxx) / 2)
    else:
        projection = _Projection(0.0, 0.0)
    projected = [projection.geometry(g) for g in geoms]
    above = {row[_ID]: row for row in Area.objects.exclude(level=AreaLevel.GRID).values_list(*_GRID_FIELDS)}
    return _GridIndex(stamp, projection, shapely.STRtree(projected), tuple(rows), above)


def grid_index() -> _GridIndex:
    """The index of this process, rebuilt if the grids changed since it was built.

    Within ``LINLI_LOCATE_RECHECK_SECONDS`` of the last comparison the index is used as it is (this
    process's own changes drop it at once through the signal)."""
    global _index, _checked_at
    index = _index
    now = time.monotonic()
    if index is not None and now - _checked_at < settings.LINLI_LOCATE_RECHECK_SECONDS:
        return index
    stamp = _stamp()
    if index is None or index.stamp != stamp:
        with _lock:
            index = _index
            if index is None or index.stamp != stamp:
                index = _index = _build(stamp)
    _checked_at = now
    return index


def invalidate(**_kwargs: Any) -> None:
    """Drop this process's index (connected to area saves and deletes)."""
    global _index
    _index = None


def locate(lat: float, lng: float) -> Area | None:
    """The grid containing the point (WGS-84), else the nearest grid within
    ``LINLI_LOCATE_FALLBACK_METRES``, else ``None``.

    On a border shared by several grids, the grid with the lowest code wins.  Raises
    ``InvalidCoordinates`` (a ``ValueError``) for NaN, infinities, non-numbers and out-of-range values."""
    lat, lng = check_lat_lng(lat, lng)
    index = grid_index()
    if not index.rows:
        return None
    point = index.projection.point(lat, lng)
    hits = index.tree.query(point, predicate="intersects")
    if len(hits):
        return index.area(int(hits.min()))
    limit = float(settings.LINLI_LOCATE_FALLBACK_METRES)
    if limit <= 0:
        return None
    near = index.tree.query_nearest(point, max_distance=limit)
    if len(near):
        return index.area(int(near.min()))
    return None


def locate_many(points: Sequence[tuple[float, float]]) -> list[Area | None]:
    """``locate`` for many (lat, lng) points at once: two vectorised tree queries for the whole batch.

    Same answers as calling ``locate`` on each point (lowest code on a border, the fallback distance);
    one ``Area`` per distinct grid found, and the grids of the batch share their parent objects.  No
    query while the index is fresh.  Raises ``InvalidCoordinates`` if any point is invalid."""
    lnglat = check_points(points)
    if not len(lnglat):
        return []
    index = grid_index()
    if not index.rows:
        return [None] * len(lnglat)
    projected = shapely.points(index.projection.forward(lnglat))
    none = len(index.rows)
    best = np.full(len(lnglat), none, dtype=np.int64)
    found, grids = index.tree.query(projected, predicate="intersects")
    np.minimum.at(best, found, grids)
    limit = float(settings.LINLI_LOCATE_FALLBACK_METRES)
    missing = np.flatnonzero(best == none)
    if limit > 0 and len(missing):
        near_in, near_grid = index.tree.query_nearest(projected[missing], max_distance=limit)
        np.minimum.at(best, missing[near_in], near_grid)
    areas: dict[int, Area | None] = {none: None}
    parents: dict[int, Area] = {}
    for i in np.unique(best).tolist():
        if i != none:
            areas[i] = index.area(i, parents)
    return [areas[i] for i in best.tolist()]
