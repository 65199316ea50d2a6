"""``python -m bench.locate``: ``locate()`` and ``locate_many()`` over 2,000 and 10,000 synthetic grids.

For each size, in a throwaway LINLI_HOME (SQLite), makes a district of 20 streets whose grids tile a
jittered lattice (octagon-like cells with 8 vertices, borders shared exactly), then over the same random
points (10 % outside every grid, some on borders) measures in interleaved rounds: ``locate()`` point by
point, ``locate_many()`` on the whole batch, and the ceilings on the same polygons: a bare shapely
``STRtree`` query loop (one ``query(Point)`` per point) and one vectorised ``STRtree.query`` of all points.
Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sys

from bench.__main__ import Table, setup_django
from bench.sections import machine, rounds, write_section

DISTRICT = "500113"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.locate", description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, nargs="+", default=[2_000, 10_000])
    parser.add_argument("--points", type=int, default=20_000, help="random points per round (20000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    return parser.parse_args(argv)


def lattice(n: int, rng: random.Random, cell: float = 0.004) -> list[dict]:
    """``n`` GeoJSON polygons tiling a jittered lattice near Banan: shared corners moved at random, each
    edge broken at a shared jittered midpoint (8 vertices per cell)."""
    cols = int(n ** 0.5) + 1
    rows = -(-n // cols)
    jit = cell * 0.2
    corner = {(i, j): (106.45 + i * cell + rng.uniform(-jit, jit), 29.30 + j * cell + rng.uniform(-jit, jit))
              for i in range(cols + 1) for j in range(rows + 1)}

    memo: dict[tuple, tuple[float, float]] = {}

    def mid(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        key = (min(a, b), max(a, b))
        if key not in memo:
            (x1, y1), (x2, y2) = corner[a], corner[b]
            memo[key] = ((x1 + x2) / 2 + rng.uniform(-jit, jit) / 2, (y1 + y2) / 2 + rng.uniform(-jit, jit) / 2)
        return memo[key]

    polygons = []
    for k in range(n):
        i, j = k % cols, k // cols
        ring_ids = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        ring: list[list[float]] = []
        for a, b in zip(ring_ids, ring_ids[1:] + ring_ids[:1], strict=True):
            ring += [list(corner[a]), list(mid(a, b))]
        polygons.append({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    return polygons


def make_grids(n: int, rng: random.Random) -> list[dict]:
    from linli.places.models import Area, AreaLevel

    for level in (AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT):  # children first
        Area.objects.filter(level=level).delete()
    district = Area.objects.create(level=AreaLevel.DISTRICT, code=DISTRICT, name="巴南区")
    streets = Area.objects.bulk_create([Area(level=AreaLevel.STREET, code=f"{DISTRICT}{s + 1:03d}",
                                             name=f"第{s + 1}街道", parent=district) for s in range(20)])
    per_community = 50
    communities = Area.objects.bulk_create([
        Area(level=AreaLevel.COMMUNITY, code=f"{streets[c % 20].code}{c // 20 + 1:03d}", name=f"第{c + 1}社区",
             parent=streets[c % 20]) for c in range(-(-n // per_community))])
    boundaries = lattice(n, rng)
    Area.objects.bulk_create([
        Area(level=AreaLevel.GRID, code=f"{communities[g // per_community].code}{g % per_community + 1:03d}",
             name=f"第{g + 1}网格", parent=communities[g // per_community], boundary=b)
        for g, b in enumerate(boundaries)], batch_size=1000)
    return boundaries


def sample(boundaries: list[dict], points: int, rng: random.Random) -> list[tuple[float, float]]:
    """Random (lat, lng): 90 % in the lattice's box, 10 % beyond it, and every 50th on a shared vertex."""
    xs = [p[0] for b in boundaries for p in b["coordinates"][0]]
    ys = [p[1] for b in boundaries for p in b["coordinates"][0]]
    box = (min(ys), max(ys), min(xs), max(xs))
    out = []
    for k in range(points):
        if k % 50 == 0:
            lng, lat = rng.choice(rng.choice(boundaries)["coordinates"][0])
        elif k % 10 == 1:
            lat, lng = box[1] + rng.uniform(0.01, 0.05), rng.uniform(box[2], box[3])
        else:
            lat, lng = rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])
        out.append((lat, lng))
    return out


def bench_size(table: Table, n: int, points: int, n_rounds: int) -> dict:
    import numpy as np
    import shapely

    from linli.places.geo import grid_index, locate, locate_many

    rng = random.Random(2026 + n)
    boundaries = make_grids(n, rng)
    pts = sample(boundaries, points, rng)
    index = grid_index()
    tree = shapely.STRtree([shapely.geometry.shape(b) for b in boundaries])
    lnglat = np.array([(lng, lat) for lat, lng in pts])
    single = [locate(lat, lng) for lat, lng in pts]
    assert locate_many(pts) == single, "locate_many() differs from locate()"
    hits = sum(a is not None for a in single)

    def bare_loop() -> int:
        for lat, lng in pts:
            tree.query(shapely.Point(lng, lat), predicate="intersects")
        return len(pts)

    def bare_vector() -> int:
        tree.query(shapely.points(lnglat), predicate="intersects")
        return len(pts)

    def one_by_one() -> int:
        for lat, lng in pts:
            locate(lat, lng)
        return len(pts)

    def batch() -> int:
        locate_many(pts)
        return len(pts)

    res = rounds({"locate()": one_by_one, "bare STRtree loop": bare_loop, "locate_many()": batch,
                  "bare vectorised STRtree.query": bare_vector}, n_rounds)
    loop, vector = res["bare STRtree loop"][0], res["bare vectorised STRtree.query"][0]
    for name, (rate, spread, cpu) in res.items():
        ceiling = vector if "many" in name or "vector" in name else loop
        table.add(f"{n:,} grids: {name}", f"{rate:,.0f} points/s",
                  f"±{spread / 2:.0%}; {cpu:.1f} CPU-ms per 1,000; {rate / loop:.2f}× the loop, "
                  f"{rate / vector:.2f}× the vectorised query" + (" (ceiling)" if rate == ceiling else ""))
    table.add(f"{n:,} grids: hits", f"{hits:,}/{len(pts):,} in or near a grid",
              f"{len(index.rows):,} grids in the index; locate_many() == locate() on every point")
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = setup_django(argparse.Namespace(database_url=None))
    from django.core.management import call_command
    from django.db import connection

    table = Table()
    try:
        call_command("migrate", verbosity=0)
        for n in args.grids:
            bench_size(table, n, args.points, args.rounds)
    finally:
        connection.close()
        import shutil

        shutil.rmtree(home, ignore_errors=True)
    text = (f"## locate() at 2,000 and 10,000 grids\n\n`python -m bench.locate` ({connection.vendor}); {machine()}; "
            f"{args.rounds} interleaved rounds of {args.points:,} points; median points/s, ± half the spread.\n"
            f"Target: locate_many() ≥ 100,000 points/s at 10,000 grids.\n\n{table.render()}\n")
    print(text)
    if not args.no_write:
        write_section("locate", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
