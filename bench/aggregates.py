"""``python -m bench.aggregates --scale street --db sqlite|postgres``: the case KPIs against DuckDB.

Generates ``linli gen --scale`` data (as ``bench.scale``) into a throwaway home, exports the cases once to
Parquet (through DuckDB, from a CSV of the columns the figures read) and computes the case KPIs per street
and month twice: Linli's ``cases.kpis.case_kpis_series`` (one grouped query per street over the index
``case_street_kpis``) and one DuckDB ``GROUP BY street, month`` over the Parquet file, the ceiling.  The
counts behind the five rates (received, accepted in time, closed, closed on time, due, rated, satisfied)
must be equal, street by street and month by month.  Also one street's year: twelve ``case_kpis`` calls,
one ``case_kpis_series`` and DuckDB filtered to that street and year.  Median of ``--rounds`` interleaved
rounds; writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from bench.__main__ import Table, setup_django
from bench.pgcluster import run_on_database
from bench.results import put_section
from bench.scale import machine

COUNTS = ("received", "accepted", "accepted_in_time", "closed", "closed_on_time", "due", "rated", "satisfied")
COLUMNS = ("street_id", "created_at", "status", "accepted_at", "accept_due", "resolve_due", "closed_at",
           "overdue", "rating")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.aggregates", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["estate", "street", "district"], default="street")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="with --db postgres: an EMPTY throwaway database to use")
    parser.add_argument("--pg-port", type=int, help="with --db postgres and no URL: the throwaway cluster's port")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    return parser.parse_args(argv)


def export_parquet(folder: Path) -> Path:
    """The cases' KPI columns, once: a CSV (UTC times) turned into Parquet by DuckDB."""
    import duckdb

    from linli.cases.models import Case

    def text(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        return "" if value is None else str(value)

    raw = folder / "cases.csv"
    with raw.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for row in Case.objects.order_by().values_list(*COLUMNS).iterator(chunk_size=10_000):
            out.writerow([text(v) for v in row])
    parquet = folder / "cases.parquet"
    types = {"street_id": "BIGINT", "created_at": "TIMESTAMP", "status": "VARCHAR", "accepted_at": "TIMESTAMP",
             "accept_due": "TIMESTAMP", "resolve_due": "TIMESTAMP", "closed_at": "TIMESTAMP",
             "overdue": "BOOLEAN", "rating": "VARCHAR"}
    duckdb.sql(f"COPY (SELECT * REPLACE (coalesce(rating, '') AS rating) FROM read_csv('{raw}', header=true, "
               f"columns={types!r}, nullstr='')) TO '{parquet}' (FORMAT parquet)")
    raw.unlink()
    return parquet


def duckdb_kpis(parquet: Path, now: dt.datetime, where: str = "") -> dict[tuple[int, dt.date], tuple]:
    """The same counts per street and (local) month, in one scan of the Parquet file."""
    import duckdb
    from django.utils import timezone

    offset = int(timezone.get_default_timezone().utcoffset(now.replace(tzinfo=None)).total_seconds())
    now_utc = now.astimezone(dt.UTC).replace(tzinfo=None)
    sql = f"""
        WITH c AS (SELECT *, date_trunc('month', created_at + INTERVAL {offset} SECOND) AS m FROM '{parquet}'
                   {where})
        SELECT street_id, m::DATE,
          count(*),
          count(*) FILTER (accepted_at IS NOT NULL),
          count(*) FILTER (accepted_at IS NOT NULL AND accepted_at <= accept_due),
          count(*) FILTER (status = 'closed'),
          count(*) FILTER (status = 'closed' AND NOT overdue),
          count(*) FILTER (status = 'closed' OR resolve_due <= least(m + INTERVAL 1 MONTH
                                                     - INTERVAL {offset} SECOND, TIMESTAMP '{now_utc}')),
          count(*) FILTER (rating <> ''),
          count(*) FILTER (rating IN ('satisfied', 'basically'))
        FROM c GROUP BY ALL"""
    return {(r[0], r[1]): tuple(r[2:]) for r in duckdb.sql(sql).fetchall()}


def linli_kpis(streets: list, first: dt.date, end: dt.date, now: dt.datetime) -> dict[tuple[int, dt.date], tuple]:
    from linli.cases.kpis import case_kpis_series

    out = {}
    for street in streets:
        for month, k in case_kpis_series(street, first, end, now).items():
            if k.received:
                out[(street.pk, month)] = tuple(getattr(k, n) for n in COUNTS)
    return out


def run(args: argparse.Namespace) -> str:
    home = setup_django(args)
    import shutil

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from linli.cases.kpis import case_kpis
    from linli.cases.models import Case
    from linli.places.models import Area, AreaLevel

    table = Table()
    try:
        call_command("migrate", verbosity=0)
        from linli.demo.gen import generate

        started = time.perf_counter()
        made = generate(args.scale, 1)
        table.add(f"linli gen --scale {args.scale}", f"{time.perf_counter() - started:.1f} s",
                  f"cases {made.get('cases', 0):,}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
        started = time.perf_counter()
        parquet = export_parquet(Path(home))
        table.add("export the cases to Parquet (once)", f"{time.perf_counter() - started:.1f} s",
                  f"{parquet.stat().st_size / 1e6:.1f} MB")
        now = timezone.now()
        streets = list(Area.objects.filter(level=AreaLevel.STREET).order_by("code"))
        span = Case.objects.order_by("created_at")
        low = timezone.localdate(span.first().created_at).replace(day=1)
        high = timezone.localdate(span.last().created_at)
        high = dt.date(high.year + high.month // 12, high.month % 12 + 1, 1)
        year = high.year - 1 if high.month == 1 else high.year
        street = streets[0]
        tz = timezone.get_default_timezone()
        months = [dt.datetime(year, m, 1, tzinfo=tz) for m in range(1, 13)] + [dt.datetime(year + 1, 1, 1, tzinfo=tz)]
        y0, y1 = (m.astimezone(dt.UTC).replace(tzinfo=None) for m in (months[0], months[-1]))
        where = f"WHERE street_id = {street.pk} AND created_at >= '{y0}' AND created_at < '{y1}'"
        work = {
            "all": (lambda: linli_kpis(streets, low, high, now), lambda: duckdb_kpis(parquet, now)),
            "year": (lambda: linli_kpis([street], dt.date(year, 1, 1), dt.date(year + 1, 1, 1), now),
                     lambda: duckdb_kpis(parquet, now, where)),
        }
        mine, theirs = work["all"][0](), work["all"][1]()
        assert mine == theirs, "Linli and DuckDB disagree on the KPI counts"
        assert work["year"][0]() == work["year"][1]()
        calls = [case_kpis(street, a, b, now) for a, b in zip(months, months[1:], strict=False)]
        assert [tuple(getattr(k, n) for n in COUNTS) for k in calls if k.received] == list(work["year"][0]().values())
        times: dict[str, list[float]] = {}
        jobs = {"linli all": work["all"][0], "duckdb all": work["all"][1],
                "linli 12 calls": lambda: [case_kpis(street, a, b, now) for a, b in zip(months, months[1:],
                                                                                    strict=False)],
                "linli year": work["year"][0], "duckdb year": work["year"][1]}
        for _r in range(args.rounds):
            for name, job in jobs.items():
                started = time.perf_counter()
                job()
                times.setdefault(name, []).append((time.perf_counter() - started) * 1000)

        def fig(name: str) -> str:
            values = times[name]
            return f"{statistics.median(values):.1f} ms (± {(max(values) - min(values)) / 2:.1f})"

        med = {n: statistics.median(v) for n, v in times.items()}
        table.add(f"KPIs per street and month, {len(streets)} street(s) × {len(mine):,} months with cases: "
                  "case_kpis_series", fig("linli all"), f"{med['linli all'] / med['duckdb all']:.1f}× DuckDB")
        table.add("the same: DuckDB over the Parquet file (ceiling)", fig("duckdb all"), "counts equal")
        table.add(f"one street's {year} by month: 12 × case_kpis", fig("linli 12 calls"),
                  f"{med['linli 12 calls'] / med['duckdb year']:.1f}× DuckDB")
        table.add(f"one street's {year} by month: case_kpis_series", fig("linli year"),
                  f"{med['linli year'] / med['duckdb year']:.1f}× DuckDB")
        table.add(f"one street's {year} by month: DuckDB (ceiling)", fig("duckdb year"), "counts equal")
        vendor = connection.vendor
    finally:
        connection.close()
        shutil.rmtree(home, ignore_errors=True)
    return (f"## Case KPI aggregates at {args.scale} scale on {vendor}, against DuckDB\n\n"
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {machine()}; load average {os.getloadavg()[0]:.1f} "
            f"at the end; median of {args.rounds} interleaved rounds, ± half the spread; the counts behind the "
            "five rates compared equal street by street and month by month.\n\n"
            f"{table.render()}\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text = run_on_database(args, run)
    print(text)
    put_section(Path(args.out), f"bench.aggregates {args.scale} {args.db}", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
