"""The demo's administrative tree, grid polygons, buildings, units and homes.

Codes follow the project's scheme (GB/T 2260 district + 3 digits per level).  The district code
``500113`` is Banan's real one; the street, community and grid codes below are **chosen for the
demo** and are not claimed to be the official statistical codes:

=====================  ===============  =====================================================
area                   code             grids
=====================  ===============  =====================================================
巴南区                 500113
龙洲湾街道             500113001
  龙锦社区             500113001001     龙锦第一/二/三网格 …001–…003
  龙海社区             500113001002     龙海第一/二网格 …001–…002
花溪街道               500113002
  走马梁社区           500113002001     走马二村第一网格 …001 (1–10栋), 第二网格 …002 (11–19栋)
鱼洞街道               500113003
  下新新社区           500113003001     新河街网格 500113003001001, six more …002–…007
=====================  ===============  =====================================================

Grid polygons are laid out around the neighbourhoods' **approximate** positions (they are not
surveyed boundaries): 龙洲湾 ≈ 29.36N 106.54E, 走马梁 ≈ 29.44N 106.50E, 下新新 ≈ 29.39N 106.52E.
Each community is a rectangle cut into rows of grids; neighbouring grids share their edges exactly
(slanted a little so the map does not look like a chessboard), so polygons are valid, convex and
never overlap.  Buildings sit at points strictly inside their grid.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Household

DISTRICT_CODE = "500113"
DEMO_MARKER = "演示数据（linli demo 生成，人物均为虚构）"


def split(total: int, parts: int) -> list[int]:
    """``total`` cut into ``parts`` near-equal integers, the larger ones first."""
    base, extra = divmod(total, parts)
    return [base + 1] * extra + [base] * (parts - extra)


@dataclass
class GridSpec:
    seq: str
    name: str
    # One list per building: homes per unit.
    buildings: list[list[int]]
    residents: int
    elderly_share: float
    built: tuple[int, int]
    first_building: int = 1
    estate: str = ""


@dataclass
class CommunitySpec:
    seq: str
    name: str
    lat: float
    lng: float
    rows: list[int]
    cell: tuple[float, float]  # (width in degrees of longitude, height in degrees of latitude)
    grids: list[GridSpec]
    description: str = ""


@dataclass
class StreetSpec:
    seq: str
    name: str
    communities: list[CommunitySpec]


def _uniform(n_buildings: int, units: int, homes: int) -> list[list[int]]:
    return [[homes] * units for _ in range(n_buildings)]


def _zouma_buildings() -> list[list[int]]:
    """走马二村: 19 buildings, 43 units (five of the buildings have three), 842 homes."""
    units = [3 if n in (1, 4, 8, 12, 16) else 2 for n in range(1, 20)]
    homes = split(842, sum(units))
    out, i = [], 0
    for u in units:
        out.append(homes[i:i + u])
        i += u
    return out


def _xinhejie_buildings() -> list[list[int]]:
    """新河街网格: 12 single buildings, 22 units, 380 homes (one household each)."""
    units = [1 if n in (4, 8) else 2 for n in range(1, 13)]
    homes = split(380, sum(units))
    out, i = [], 0
    for u in units:
        out.append(homes[i:i + u])
        i += u
    return out


ZOUMA = _zouma_buildings()
XINHEJIE = _xinhejie_buildings()

STREETS: list[StreetSpec] = [
    StreetSpec("001", "龙洲湾街道", [
        CommunitySpec("001", "龙锦社区", 29.3655, 106.5465, [3], (0.0028, 0.0024), [
            GridSpec(f"00{i}", f"龙锦第{'一二三'[i - 1]}网格", _uniform(3, 2, 12), 150, 0.15, (2008, 2016))
            for i in (1, 2, 3)
        ], "龙洲湾街道龙锦社区，新就业群体“小哥圆桌会”活动所在地。"),
        CommunitySpec("002", "龙海社区", 29.3565, 106.5395, [2], (0.0028, 0.0024), [
            GridSpec(f"00{i}", f"龙海第{'一二'[i - 1]}网格", _uniform(3, 2, 12), 150, 0.15, (2010, 2018))
            for i in (1, 2)
        ]),
    ]),
    StreetSpec("002", "花溪街道", [
        CommunitySpec("001", "走马梁社区", 29.4430, 106.5030, [2], (0.0032, 0.0028), [
            GridSpec("001", "走马二村第一网格", ZOUMA[:10], 400, 0.45, (1983, 1998), 1, "走马二村"),
            GridSpec("002", "走马二村第二网格", ZOUMA[10:], 332, 0.45, (1983, 1998), 11, "走马二村"),
        ], "攀钢集团重庆钛业有限公司家属区（走马二村）所在社区；“三缘·理家”治理模式。"),
    ]),
    StreetSpec("003", "鱼洞街道", [
        CommunitySpec("001", "下新新社区", 29.3905, 106.5205, [4, 3], (0.0026, 0.0024), [
            GridSpec("001", "新河街网格", XINHEJIE, 769, 0.36, (1980, 1989), 1, "新河街"),
            *[GridSpec(f"00{i}", name, _uniform(3, 2, 12), 140, 0.25, (1990, 2005))
              for i, name in zip(range(2, 8), ["新市街网格", "鱼新街网格", "滨江路网格", "渝南网格", "新华网格",
                                                "红星网格"], strict=True)],
        ], "下新新社区成立于2002年，设置网格7个。"),
    ]),
]


@dataclass
class Places:
    district: Area = None
    streets: dict[str, Area] = field(default_factory=dict)  # by name
    communities: dict[str, Area] = field(default_factory=dict)  # by name
    grids: dict[str, Area] = field(default_factory=dict)  # by name
    grid_specs: dict[str, GridSpec] = field(default_factory=dict)  # by grid name
    buildings: dict[str, list[Building]] = field(default_factory=dict)  # by grid name
    homes: dict[str, list[Household]] = field(default_factory=dict)  # by grid name
    homes_by_building: dict[int, list[Household]] = field(default_factory=dict)  # by building id
    quads: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # grid name → BL, BR, TR, TL


def _layout(spec: CommunitySpec, rng: random.Random) -> list[list[tuple[float, float]]]:
    """Quadrilaterals (BL, BR, TR, TL as (lng, lat)) for the grids of a community, row by row."""
    w, h = spec.cell
    cols_max = max(spec.rows)
    width, height = w * cols_max, h * len(spec.rows)
    x0, y0 = spec.lng - width / 2, spec.lat - height / 2
    quads = []
    for r, cols in enumerate(spec.rows):
        yb, yt = round(y0 + r * h, 6), round(y0 + (r + 1) * h, 6)
        step = width / cols
        bottom, top = [], []
        for i in range(cols + 1):
            skew = 0.0 if i in (0, cols) else rng.uniform(-0.15, 0.15) * step
            bottom.append(round(x0 + i * step + skew, 6))
            top.append(round(x0 + i * step - skew, 6))
        for i in range(cols):
            quads.append([(bottom[i], yb), (bottom[i + 1], yb), (top[i + 1], yt), (top[i], yt)])
    return quads


def point_in_quad(quad: list[tuple[float, float]], u: float, v: float) -> tuple[float, float]:
    """Bilinear point of a convex quadrilateral: strictly inside for 0 < u, v < 1. Returns (lng, lat)."""
    (x1, y1), (x2, y2), (x3, y3), (x4, y4) = quad
    bx, by = x1 + u * (x2 - x1), y1 + u * (y2 - y1)
    tx, ty = x4 + u * (x3 - x4), y4 + u * (y3 - y4)
    return bx + v * (tx - bx), by + v * (ty - by)


def _polygon(quad: list[tuple[float, float]]) -> dict:
    ring = [[x, y] for x, y in quad]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _doors(homes: int) -> list[str]:
    per_floor = 3 if homes > 14 else 2
    return [f"{i // per_floor + 1}{i % per_floor + 1:02d}" for i in range(homes)]


def build_places(rng: random.Random) -> Places:
    """Create the areas, buildings, units and homes; return handles on them for the other modules."""
    p = Places()
    p.district = Area.objects.create(level=AreaLevel.DISTRICT, code=DISTRICT_CODE, name="巴南区",
                                     centre_lat=29.38, centre_lng=106.54, description=DEMO_MARKER)
    streets = Area.objects.bulk_create([
        Area(level=AreaLevel.STREET, code=DISTRICT_CODE + s.seq, name=s.name, parent=p.district)
        for s in STREETS])
    p.streets = {a.name: a for a in streets}
    comm_rows, comm_specs = [], []
    for s in STREETS:
        for c in s.communities:
            comm_specs.append(c)
            comm_rows.append(Area(level=AreaLevel.COMMUNITY, code=DISTRICT_CODE + s.seq + c.seq, name=c.name,
                                  parent=p.streets[s.name], centre_lat=c.lat, centre_lng=c.lng,
                                  description=c.description))
    p.communities = {a.name: a for a in Area.objects.bulk_create(comm_rows)}

    grid_rows = []
    for c in comm_specs:
        community = p.communities[c.name]
        for g, quad in zip(c.grids, _layout(c, rng), strict=True):
            cx, cy = point_in_quad(quad, 0.5, 0.5)
            p.quads[g.name] = quad
            p.grid_specs[g.name] = g
            grid_rows.append(Area(level=AreaLevel.GRID, code=community.code + g.seq, name=g.name, parent=community,
                                  boundary=_polygon(quad), centre_lat=round(cy, 6), centre_lng=round(cx, 6)))
    p.grids = {a.name: a for a in Area.objects.bulk_create(grid_rows)}

    # Buildings on a jittered lattice strictly inside their grid.
    building_rows, unit_specs = [], []
    for name, g in p.grid_specs.items():
        grid, quad = p.grids[name], p.quads[name]
        street = grid.parent.parent.name
        n = len(g.buildings)
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        for k, units in enumerate(g.buildings):
            u = 0.12 + 0.76 * ((k % cols) + 0.5 + rng.uniform(-0.2, 0.2)) / cols
            v = 0.12 + 0.76 * ((k // cols) + 0.5 + rng.uniform(-0.2, 0.2)) / rows
            lng, lat = point_in_quad(quad, u, v)
            number = g.first_building + k
            place = g.estate or grid.parent.name
            building_rows.append(Building(
                grid=grid, name=f"{number}栋", address=f"{street}{place}{number}栋",
                lat=round(lat, 6), lng=round(lng, 6), floors=math.ceil(max(units) / 3) if max(units) > 14 else
                math.ceil(max(units) / 2), built_year=rng.randint(*g.built)))
            unit_specs.append(units)
    buildings = Building.objects.bulk_create(building_rows)
    for b in buildings:
        p.buildings.setdefault(b.grid.name, []).append(b)

    unit_rows, home_counts = [], []
    for b, units in zip(buildings, unit_specs, strict=True):
        for i, homes in enumerate(units, start=1):
            unit_rows.append(BuildingUnit(building=b, number=str(i)))
            home_counts.append(homes)
    units = BuildingUnit.objects.bulk_create(unit_rows, batch_size=500)
    home_rows = [Household(unit=u, grid_id=u.building.grid_id, door=door)
                 for u, homes in zip(units, home_counts, strict=True) for door in _doors(homes)]
    homes = Household.objects.bulk_create(home_rows, batch_size=500)
    grid_names = {g.id: g.name for g in p.grids.values()}
    for h in homes:
        p.homes.setdefault(grid_names[h.grid_id], []).append(h)
        p.homes_by_building.setdefault(h.unit.building_id, []).append(h)
    return p
