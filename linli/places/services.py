"""Business rules of the places app: GeoJSON import/export of grids, the party tree, the departments and
partner units a user sees.  Views, commands and the admin call these functions.  The pages that show
people as well (org tree with counts, grid, building and household pages) are built in
``linli.people.registry``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.codes import ancestor_codes
from linli.core.scope import Scope, scope_for

from .geo import GeometryError, centre_of, validate_boundary
from .models import Area, AreaLevel, Department, PartnerUnit, PartyOrg

if TYPE_CHECKING:
    from linli.core.models import UserLike

GRID_CODE_RE = re.compile(r"^[0-9]{15}$")
MAX_NAME_LENGTH = cast(int, Area._meta.get_field("name").max_length)  # a CharField: always set


# --- GeoJSON import -----------------------------------------------------------------------------

@dataclass
class GridImportReport:
    """What an import did (or, in a dry run, would do).  Nothing is written when ``errors`` is not empty."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _GridRow:
    code: str
    name: str
    community: Area
    boundary: dict
    centre: tuple[float, float]


class _FileError(Exception):
    pass


def _load(data: dict | str | bytes | Path) -> Any:
    """The parsed JSON of ``data`` (a dict, JSON text, UTF-8 bytes or a file path)."""
    if isinstance(data, dict):
        return data
    if isinstance(data, Path):
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise _FileError(_("The file cannot be read: %(error)s") % {"error": exc.strerror or exc}) from None
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _FileError(_("The file is not UTF-8 text; save the GeoJSON as UTF-8.")) from None
    if not isinstance(data, str):
        raise _FileError(_("The data is not GeoJSON text."))
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise _FileError(_("The file is not valid JSON (line %(line)d, column %(col)d: %(msg)s).")
                         % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from None
    except RecursionError:
        raise _FileError(_("The file is nested too deeply to be GeoJSON.")) from None


def _feature_label(n: int, code: Any, name: Any) -> str:
    code = code if isinstance(code, str | int) and not isinstance(code, bool) and str(code).strip() else None
    name = name.strip() if isinstance(name, str) and name.strip() else None
    if code and name:
        return _("Feature %(n)d (code %(code)s, %(name)s)") % {"n": n, "code": code, "name": name}
    if code:
        return _("Feature %(n)d (code %(code)s)") % {"n": n, "code": code}
    if name:
        return _("Feature %(n)d (%(name)s)") % {"n": n, "name": name}
    return _("Feature %(n)d") % {"n": n}


def _parse_features(doc: Any) -> tuple[list[tuple[int, Any]], list[str]]:
    """``(number, feature)`` pairs, and the errors of the file as a whole."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else None
        return [], [_("The file is not a GeoJSON FeatureCollection (its type is %(type)s).")
                    % {"type": kind if isinstance(kind, str) else _("missing")}]
    features = doc.get("features")
    if not isinstance(features, list):
        return [], [_("The FeatureCollection has no list of features.")]
    if not features:
        return [], [_("The FeatureCollection has no features.")]
    return [(n, f) for n, f in enumerate(features, start=1)], []


def import_grids(data: dict | str | bytes | Path, *, dry_run: bool = False) -> GridImportReport:
    """Create or update grids (by code) from a GeoJSON FeatureCollection; all or nothing.

    Each feature needs properties ``code`` (15 digits), ``name`` and optionally ``community_code``
    (equal to ``code[:12]``); its community must exist.  Every error names the feature."""
    report = GridImportReport(dry_run=dry_run)
    try:
        doc = _load(data)
    except _FileError as exc:
        report.errors.append(str(exc))
        return report
    features, errors = _parse_features(doc)
    if errors:
        report.errors += errors
        return report

    # One query for the communities and one for the existing areas named by any feature.
    codes = {str(f["properties"].get("code")) for _n, f in features
             if isinstance(f, dict) and isinstance(f.get("properties"), dict)}
    community_codes = {c[:12] for c in codes if GRID_CODE_RE.match(c)}
    communities = {a.code: a for a in Area.objects.filter(code__in=community_codes)}
    existing = {a.code: a for a in Area.objects.filter(code__in=codes)}

    rows: list[_GridRow] = []
    seen: dict[str, int] = {}
    for n, feature in features:
        row, problems = _check_feature(n, feature, communities, existing, seen)
        if problems:
            label = _feature_label(n, *(_code_name(feature)))
            report.errors += [_("%(feature)s: %(message)s") % {"feature": label, "message": p} for p in problems]
        elif row:
            rows.append(row)
    if report.errors:
        return report

    with transaction.atomic():
        for row in rows:
            grid = existing.get(row.code)
            if grid is None:
                report.created += 1
                if not dry_run:
                    Area.objects.create(level=AreaLevel.GRID, code=row.code, name=row.name, parent=row.community,
                                        boundary=row.boundary, centre_lat=row.centre[0], centre_lng=row.centre[1])
                continue
            new = {"name": row.name, "parent_id": row.community.pk, "boundary": row.boundary,
                   "centre_lat": row.centre[0], "centre_lng": row.centre[1]}
            if all(getattr(grid, k) == v for k, v in new.items()):
                report.unchanged += 1
                continue
            report.updated += 1
            if not dry_run:
                for k, v in new.items():
                    setattr(grid, k, v)
                grid.save()
    return report


def _code_name(feature: Any) -> tuple[Any, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None, None
    return props.get("code"), props.get("name")


def _check_feature(n: int, feature: Any, communities: dict[str, Area], existing: dict[str, Area],
                   seen: dict[str, int]) -> tuple[_GridRow | None, list[str]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [_("this is not a GeoJSON Feature.")]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None, [_("the feature has no properties (code and name are required).")]
    problems: list[str] = []

    code = props.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if code is None or (isinstance(code, str) and not code.strip()):
        problems.append(_("the property code is missing."))
        code = None
    elif not isinstance(code, str) or not GRID_CODE_RE.match(code):
        problems.append(_("the grid code must be 15 digits (district 6 + street 3 + community 3 + grid 3), "
                          "not %(code)s.") % {"code": code})
        code = None
    elif code in seen:
        problems.append(_("the code %(code)s already appears in feature %(other)d.")
                        % {"code": code, "other": seen[code]})
    else:
        seen[code] = n

    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_("the property name is missing."))
    elif len(name.strip()) > MAX_NAME_LENGTH:
        problems.append(_("the name is longer than %(n)d characters.") % {"n": MAX_NAME_LENGTH})

    community = None
    if code:
        community_code = props.get("community_code")
        if community_code not in (None, "") and str(community_code) != code[:12]:
            problems.append(_("community_code %(given)s does not match the grid code, whose community is "
                              "%(expected)s.") % {"given": community_code, "expected": code[:12]})
        community = communities.get(code[:12])
        if community is None or community.level != AreaLevel.COMMUNITY:
            problems.append(_("community %(code)s does not exist; create it (or import its street and "
                              "community) first.") % {"code": code[:12]})
            community = None
        other = existing.get(code)
        if other is not None and other.level != AreaLevel.GRID:
            problems.append(_("code %(code)s already belongs to %(name)s, which is not a grid.")
                            % {"code": code, "name": other.name})

    geometry = feature.get("geometry")
    geom = None
    try:
        geom = validate_boundary(geometry)
    except GeometryError as exc:
        problems.append(str(exc))

    if (problems or not (code and community and geom is not None)
            or not isinstance(name, str) or not isinstance(geometry, dict)):  # both checked above
        return None, problems
    return _GridRow(code=code, name=name.strip(), community=community, boundary=geometry,
                    centre=centre_of(geom)), []


# --- GeoJSON export -----------------------------------------------------------------------------

def export_grids(qs: QuerySet) -> dict:
    """The grids of ``qs`` as a GeoJSON FeatureCollection (the format ``import_grids`` reads)."""
    features = []
    for grid in qs.filter(level=AreaLevel.GRID).select_related("parent__parent").order_by("code"):
        community = grid.parent
        street = community.parent if community else None
        features.append({
            "type": "Feature",
            "geometry": grid.boundary,
            "properties": {
                "code": grid.code,
                "name": grid.name,
                "community_code": community.code if community else None,
                "community": community.name if community else None,
                "street": street.name if street else None,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def grids_geojson(qs: QuerySet) -> dict:
    """Grids with a boundary as a FeatureCollection for the map (name, code, community, page url)."""
    features = []
    for grid in (qs.filter(level=AreaLevel.GRID, boundary__isnull=False).select_related("parent")
                 .only("code", "name", "boundary", "parent__name").order_by("code")):
        features.append({
            "type": "Feature",
            "geometry": grid.boundary,
            "properties": {
                "code": grid.code,
                "name": grid.name,
                "community": grid.parent.name if grid.parent else "",
                "url": reverse("places:grid", args=[grid.code]),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def basemap_geojson(grids: QuerySet, buildings: QuerySet) -> dict:
    """The plain local basemap (maps without tiles): grid outlines and building points, names only."""
    features: list[dict] = [
        {"type": "Feature", "geometry": boundary, "properties": {"kind": "grid", "name": name}}
        for name, boundary in grids.filter(level=AreaLevel.GRID, boundary__isnull=False)
        .order_by("code").values_list("name", "boundary")]
    features += [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
         "properties": {"kind": "building", "name": name}}
        for name, lat, lng in buildings.filter(lat__isnull=False, lng__isnull=False)
        .order_by("grid__code", "name").values_list("name", "lat", "lng")]
    return {"type": "FeatureCollection", "features": features}


# --- Org tree -----------------------------------------------------------------------------------

def visible_area_q(scope: Scope, code_field: str) -> Q:
    """Areas in the scope, and the areas above them (shown as context)."""
    if scope.everything:
        return Q()
    above = {code for own in scope.area_codes for code in ancestor_codes(own)}
    return scope.area_q(code_field) | Q(**{f"{code_field}__in": above})


@dataclass
class PartyNode:
    org: PartyOrg
    children: list[PartyNode] = field(default_factory=list)


def party_tree(user: UserLike) -> list[PartyNode]:
    """Party organisations covering the user's areas (and those above them), nested by parent."""
    scope = scope_for(user)
    if not (scope.everything or scope.area_codes):
        return []
    orgs = list(PartyOrg.objects.filter(visible_area_q(scope, "area__code"))
                .select_related("area", "building").order_by("area__code", "id"))
    nodes = {o.pk: PartyNode(o) for o in orgs}
    roots: list[PartyNode] = []
    for o in orgs:
        parent = nodes.get(o.parent_id) if o.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[o.pk])
    return roots


def departments_for(user, kind: str | None = None) -> QuerySet:
    """Departments of the user's district and street posts of their streets."""
    scope = scope_for(user)
    if not (scope.everything or scope.area_codes or scope.department_ids):
        return Department.objects.none()
    qs = Department.objects.select_related("area")
    if not scope.everything:
        qs = qs.filter(visible_area_q(scope, "area__code") | Q(pk__in=scope.department_ids))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "name")


def partners_for(user, kind: str | None = None) -> QuerySet:
    """Partner units registered in the user's areas or the areas above them."""
    scope = scope_for(user)
    if not (scope.everything or scope.area_codes or scope.partner_ids):
        return PartnerUnit.objects.none()
    qs = PartnerUnit.objects.select_related("area")
    if not scope.everything:
        qs = qs.filter(visible_area_q(scope, "area__code") | Q(pk__in=scope.partner_ids))
    if kind:
        qs = qs.filter(kind=kind)
    return qs
