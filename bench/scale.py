"""``python -m bench.scale --scale estate|street|district --db sqlite|postgres``: reads at a scale.

Generates ``linli gen --scale`` data into a throwaway LINLI_HOME, on SQLite or on PostgreSQL: with
``--db postgres`` the database is ``--database-url`` (an EMPTY throwaway database) or, without it, a
throwaway cluster started from the system binaries (``bench.pgcluster``) on ``--pg-port`` or a free port
and stopped at the end.  Signs in a superuser (district scope) and GETs each page through the Django test
client in ``--rounds`` interleaved rounds (every URL once per turn, round after round); ``/bench/ping``
(a one-line view in the same process and URLconf) is the ceiling.  Then ``locate()`` over random points
against a bare shapely STRtree query loop over the same polygons.  Writes its own section of
bench/RESULTS.md (one per scale and database, see ``bench.results``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.__main__ import Table, setup_django
from bench.pgcluster import run_on_database
from bench.results import put_section


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["estate", "street", "district"], default="estate")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10, help="requests per URL per round (10)")
    parser.add_argument("--points", type=int, default=20_000, help="random points for locate() (20000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="with --db postgres: an EMPTY throwaway database to use")
    parser.add_argument("--pg-port", type=int, help="with --db postgres and no URL: the throwaway cluster's port")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    return parser.parse_args(argv)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


YEAR = "period=custom&start=2025-01-01&last=2025-12-31"  # the generated cases' last year (2021–2025)


def urls() -> list[tuple[str, str]]:
    from linli.cases.models import Case
    from linli.people.models import Person
    from linli.places.models import Area, AreaLevel

    person = Person.objects.order_by("id")[Person.objects.count() // 2]
    case = Case.objects.order_by("id")[Case.objects.count() // 2]
    street = Area.objects.filter(level=AreaLevel.STREET).order_by("code").first()
    return [("ceiling: one-line view", "/bench/ping"),
            ("handler inbox", "/cases/inbox/"), ("dispatcher board", "/cases/board/"),
            ("staff case list, status filter", f"/reports/{street.code}/cases/?status=in_progress"),
            ("GET requests.json", "/open311/v2/requests.json"),
            ("GET requests.json, start_date", "/open311/v2/requests.json?start_date=2025-12-01T00:00:00Z"),
            ("person search by name", f"/people/?q={person.name}"),
            ("person search by ID tail", f"/people/?q={person.id_number[-4:]}"),
            ("person search by phone tail", f"/people/?q={(person.mobile or '15400000001')[-4:]}"),
            ("person page", f"/people/{person.pk}/"), ("case page", f"/cases/{case.number}/"),
            ("points figures", "/points/figures/"), ("street dashboard", f"/reports/{street.code}/"),
            ("street dashboard, 2025", f"/reports/{street.code}/?{YEAR}"),
            ("district dashboard", "/reports/500113/"), ("district dashboard, 2025", f"/reports/500113/?{YEAR}")]


def bench_reads(table: Table, rounds: int, requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.create_superuser("bench-admin", "bench@example.invalid", "bench-pass-1")
    client = Client()
    client.force_login(user)
    targets = urls()
    times: dict[str, list[float]] = {u: [] for _l, u in targets}
    cpu: dict[str, float] = dict.fromkeys(times, 0.0)
    status: dict[str, tuple[int, int]] = {}
    for _label, url in targets:  # warm up, count queries
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        status[url] = (response.status_code, len(queries))
    for _r in range(rounds):
        for _label, url in targets:
            for _i in range(requests):
                started, used = time.perf_counter(), time.process_time()
                client.get(url)
                times[url].append((time.perf_counter() - started) * 1000)
                cpu[url] += (time.process_time() - used) * 1000
    ceiling = statistics_median(times["/bench/ping"])
    for label, url in targets:
        code, n = status[url]
        p50, p95 = statistics_median(times[url]), _pct(times[url], 0.95)
        table.add(label, f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                  f"{p50 / ceiling:,.0f}× ceiling; CPU {cpu[url] / len(times[url]):.1f} ms; {n} queries"
                  + ("" if code == 200 else f"; HTTP {code}"))


def statistics_median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def bench_locate(table: Table, points: int) -> None:
    import shapely

    from linli.places.geo import grid_index, locate, locate_many
    from linli.places.models import Area, AreaLevel

    grids = list(Area.objects.filter(level=AreaLevel.GRID).values_list("boundary", flat=True))
    polygons = [shapely.geometry.shape(b) for b in grids]
    tree = shapely.STRtree(polygons)
    xs, ys = shapely.get_coordinates(polygons).T
    rng = random.Random(2026)
    sample = [(rng.uniform(ys.min(), ys.max()), rng.uniform(xs.min(), xs.max())) for _ in range(points)]
    grid_index()
    started = time.perf_counter()
    hits = sum(locate(lat, lng) is not None for lat, lng in sample)
    linli_rate = points / (time.perf_counter() - started)
    started = time.perf_counter()
    batch_hits = sum(area is not None for area in locate_many(sample))
    batch_rate = points / (time.perf_counter() - started)
    started = time.perf_counter()
    raw = sum(len(tree.query(shapely.Point(lng, lat), predicate="intersects")) > 0 for lat, lng in sample)
    raw_rate = points / (time.perf_counter() - started)
    table.add(f"locate(), {len(polygons):,} grids", f"{linli_rate:,.0f} calls/s",
              f"{hits:,}/{points:,} in a grid; bare STRtree loop {raw_rate:,.0f}/s ({raw:,} hits): "
              f"{linli_rate / raw_rate:.2f}× the ceiling")
    table.add(f"locate_many(), {len(polygons):,} grids", f"{batch_rate:,.0f} points/s",
              f"{batch_hits:,}/{points:,} in a grid; {batch_rate / raw_rate:.2f}× the bare STRtree loop")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}, commit {commit}"


def run(args: argparse.Namespace) -> str:
    """Generate, measure, and return the Markdown section."""
    home = setup_django(args)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ROOT_URLCONF = "bench.oneline_urls"
    table = Table()
    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from linli.demo.gen import generate

        started, cpu = time.perf_counter(), time.process_time()
        made = generate(args.scale, 1)
        table.add(f"linli gen --scale {args.scale}", f"{time.perf_counter() - started:.1f} s",
                  f"{time.process_time() - cpu:.1f} s CPU in this process; "
                  + ", ".join(f"{k} {v:,}" for k, v in made.items()))
        bench_reads(table, args.rounds, args.requests)
        bench_locate(table, args.points)
        vendor = connection.vendor
    finally:
        connection.close()
        if not args.keep:
            import shutil

            shutil.rmtree(home, ignore_errors=True)
    return (f"## Reads at {args.scale} scale on {vendor}\n\n"
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {machine()}; load average "
            f"{os.getloadavg()[0]:.1f} at the end; {args.rounds} interleaved rounds of {args.requests} requests "
            "per URL, in-process test client (superuser, district scope); CPU: this process's CPU time per "
            "request (on PostgreSQL the server's is not in it).\n\n"
            f"{table.render()}\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text = run_on_database(args, run)
    print(text)
    put_section(Path(args.out), f"bench.scale {args.scale} {args.db}", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
