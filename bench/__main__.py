"""``python -m bench``: how fast the demo loads, ``locate()`` answers and the main pages render.

Runs in a throwaway LINLI_HOME (SQLite, unless ``--database-url`` names an empty, throwaway
PostgreSQL database): migrate, collect static files, load the demo data, then measure
``locate(lat, lng)`` over random points in the district's bounding box, and GET the main pages
through the Django test client, signed in as ``community-xiaxinxin``.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator

USERNAME = "community-xiaxinxin"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000, help="random points for locate() (10000)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (50)")
    parser.add_argument("--database-url", help="an EMPTY throwaway database to use instead of SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway LINLI_HOME")
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace) -> str:
    home = tempfile.mkdtemp(prefix="linli-bench-")
    os.environ["LINLI_HOME"] = home
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    os.environ["LINLI_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("LINLI_LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    return home


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, value: str, note: str = "") -> None:
        self.rows.append((what, value, note))
        print(f"  {what}: {value} {note}".rstrip(), file=sys.stderr, flush=True)

    def render(self) -> str:
        head = ("measure", "result", "note")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(3)]
        line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
        return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                          *map(line, self.rows)])


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def bench_setup(table: Table) -> bool:
    from django.core.management import call_command, get_commands

    table.add("migrate (empty database)", f"{timed(call_command, 'migrate', verbosity=0):.1f} s")
    call_command("collectstatic", interactive=False, verbosity=0)
    if "demo" not in get_commands():
        table.add("demo load", "skipped", "no `demo` command in this build")
        return False
    table.add("demo load", f"{timed(call_command, 'demo', stdout=io.StringIO()):.1f} s")
    from linli.people.models import Person
    from linli.places.models import Area

    table.add("demo size", f"{Person.objects.count()} people", f"{Area.objects.count()} areas")
    return True


def _coords(geometry: dict) -> Iterator[tuple[float, float]]:
    def walk(node):
        if isinstance(node, list | tuple) and len(node) >= 2 and all(isinstance(v, int | float) for v in node[:2]):
            yield float(node[0]), float(node[1])
        elif isinstance(node, list | tuple):
            for child in node:
                yield from walk(child)

    yield from walk(geometry.get("coordinates", []))


def bench_locate(table: Table, points: int) -> None:
    try:
        from linli.places.geo import locate
    except ImportError:
        table.add("locate()", "skipped", "linli.places.geo.locate is not there yet")
        return
    from linli.places.models import Area, AreaLevel

    coords = [c for b in Area.objects.filter(level=AreaLevel.GRID, boundary__isnull=False)
              .values_list("boundary", flat=True) for c in _coords(b or {})]
    if not coords:
        table.add("locate()", "skipped", "no grid boundaries in the database")
        return
    lngs, lats = [c[0] for c in coords], [c[1] for c in coords]
    pad = 0.01
    box = (min(lats) - pad, max(lats) + pad, min(lngs) - pad, max(lngs) + pad)
    rng = random.Random(2026)
    sample = [(rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])) for _ in range(points)]
    first = timed(locate, *sample[0])
    hits = 0
    started = time.perf_counter()
    for lat, lng in sample:
        hits += locate(lat, lng) is not None
    elapsed = time.perf_counter() - started
    table.add("locate() first call (builds index)", f"{first * 1000:.1f} ms")
    table.add(f"locate() over {points:,} random points", f"{points / elapsed:,.0f} calls/s",
              f"{hits:,} in a grid; box {box[0]:.3f}–{box[1]:.3f}N {box[2]:.3f}–{box[3]:.3f}E")


def bench_pages(table: Table, requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.core.scope import scoped
    from linli.people.models import Person

    user = get_user_model().objects.filter(username=USERNAME).first()
    if user is None:
        table.add("pages", "skipped", f"no user {USERNAME} (demo data missing)")
        return
    client = Client()
    client.force_login(user)
    person = scoped(Person.objects.order_by("id"), user).first()
    urls = ["/", "/people/", f"/people/{person.pk}/" if person else None, "/places/tree/", "/places/map/",
            "/healthz"]
    for url in filter(None, urls):
        for _ in range(3):  # warm up templates, caches, the connection
            client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        note = f"{len(queries)} queries" + ("" if response.status_code == 200 else f", HTTP {response.status_code}")
        table.add(f"GET {url}", f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms", note)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = setup_django(args)
    from django.db import connection

    print(f"Linli benchmark: {connection.vendor}, LINLI_HOME={home}", file=sys.stderr)
    table = Table()
    try:
        if bench_setup(table):
            bench_locate(table, args.points)
            bench_pages(table, args.requests)
        else:
            bench_locate(table, args.points)
    finally:
        if not args.keep:
            import shutil

            connection.close()
            shutil.rmtree(home, ignore_errors=True)
    print()
    print(f"Linli benchmark ({connection.vendor}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print()
    print(table.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
