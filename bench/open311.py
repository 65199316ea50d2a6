"""``python -m bench.open311``: the Open311 endpoints against a one-line Django view, side by side.

For each code tree given (``--code DIR``, default this checkout; give an export of an older commit
to measure "before") and each database (``--database sqlite`` and/or ``postgres``), in a throwaway
LINLI_HOME (and, on PostgreSQL, a fresh database per code tree on the server ``--database-url`` names,
or on a throwaway cluster started from the system's PostgreSQL binaries on ``--pg-port``): migrate,
load the demo, grow the cases to each ``--rows``, create an API key, then start gunicorn exactly as
``linli run`` does (its ``server_commands``: gthread, ``--workers`` × 4 threads) twice on the same
settings: once serving Linli, once serving Linli plus ``/bench/ping`` (a one-line view behind the same
middleware).  Rounds are interleaved: each endpoint with ``wrk`` (1 thread × ``--connections``), then
the one-line view.
The rate limits are raised through their settings so that no call is refused.  Besides wrk's rate and
latency it reads the CPU time the server's processes used during each round (``/proc``, the workers and
the master's reaped children), so that a figure can be compared on a machine shared with other work:
the rate follows the load of the machine, the CPU milliseconds per request much less (on the throwaway
cluster, its postmaster's and backends' CPU is added).  Replaces its
own section of ``bench/RESULTS.md`` (``--out``) and leaves the others.  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
ENDPOINTS = ("POST requests.json", "GET requests.json", "GET requests.json?status=closed", "GET requests/{id}.json",
             "GET services.json")
TARGETS = {"POST requests.json": "≥ 300 req/s, p99 < 100 ms", "GET requests.json": "≥ 300 req/s",
           "GET requests.json?status=closed": "≥ 300 req/s",
           "GET requests/{id}.json": "≥ 0.5 × one-line", "GET services.json": "≥ 0.8 × one-line"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.open311", description=__doc__.splitlines()[0])
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=DIR",
                        help="a code tree to measure (repeatable), e.g. before=/tmp/linli-before")
    parser.add_argument("--rows", type=int, action="append", default=[], help="cases in the database (2500)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk round (5)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (1)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, 4 threads each (2)")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--home", help="a LINLI_HOME to prepare once and keep (default: a throwaway one)")
    parser.add_argument("--database", action="append", choices=("sqlite", "postgres"), default=[],
                        help="the database(s) to measure on (sqlite; repeatable)")
    parser.add_argument("--database-url", help="a PostgreSQL server whose user may create databases "
                        "(default: a throwaway cluster); one database per code tree is made there, and dropped")
    parser.add_argument("--pg-port", type=int, default=0, help="the throwaway cluster's port (a free one)")
    parser.add_argument("--endpoint", action="append", choices=ENDPOINTS, default=[],
                        help="measure only this endpoint (repeatable; default all), beside the one-line view")
    parser.add_argument("--section", default="",
                        help="write the table to its own block <!-- bench.open311.SECTION --> of --out, so "
                        "that a partial re-measure keeps the full table (default: the main block)")
    args = parser.parse_args(argv)
    if args.section and not re.fullmatch(r"[a-z0-9_-]{1,40}", args.section):
        parser.error("--section is 1 to 40 lower-case letters, digits, - or _")
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(code: Path, home: str, settings: str = "linli.settings", database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(PYTHONPATH=f"{code}{os.pathsep}{HERE}", LINLI_HOME=home, DJANGO_SETTINGS_MODULE=settings,
               LINLI_ALLOWED_HOSTS="127.0.0.1,localhost", LINLI_LOG_LEVEL="WARNING",
               LINLI_OPEN311_PER_MINUTE_KEY="1000000000", LINLI_OPEN311_PER_MINUTE_IP="1000000000",
               LINLI_OPEN311_WRITES_PER_MINUTE="1000000000")
    return env


PREPARE = """
import io, django, sys
django.setup()
from django.core.management import call_command
from linli.places.models import Area
call_command("migrate", verbosity=0)
if not Area.objects.exists():
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", stdout=io.StringIO())
from open311_data import grow_cases
rows = grow_cases(int(sys.argv[1]))
from linli.cases.models import Case
from linli.open311.models import ApiKey
key = ApiKey.objects.filter(name="bench").first()
if key is None:
    key = ApiKey(name="bench", area=Area.objects.get(parent__isnull=True))
raw = key.set_new_key(); key.save()
case = Case.objects.filter(public_hidden=False, lat__isnull=False).order_by("-created_at").first()
print(rows, raw, case.number, case.category.code, case.lat, case.lng)
"""


def prepare(code: Path, home: str, rows: int, database_url: str = "") -> dict[str, str]:
    done = subprocess.run([PYTHON, "-c", PREPARE, str(rows)], env=env_for(code, home, database_url=database_url),  # noqa: S603
                          cwd=code, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"preparing the database failed:\n{done.stderr}")
    out = done.stdout.split()
    return dict(zip(("rows", "key", "number", "code", "lat", "lng"), out, strict=True))


def start_server(code: Path, home: str, port: int, workers: int, settings: str,
                 database_url: str = "") -> subprocess.Popen:
    from linli.core.management.commands.linli_run import server_commands  # this checkout's: the same in both

    argv = server_commands("127.0.0.1", port, workers)["web"]
    argv = [PYTHON if a == sys.executable else a for a in argv]
    argv[argv.index("--access-logfile") + 1] = "/dev/null"
    # cwd: the code tree measured comes first on sys.path (python -m puts the working folder there).
    with open(Path(home) / f"gunicorn-{port}.log", "w") as log:  # the child keeps its own copy of the file
        proc = subprocess.Popen(argv, env=env_for(code, home, settings, database_url), cwd=code,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=log, process_group=0)
    deadline = time.monotonic() + 90
    ready = 0
    while time.monotonic() < deadline:  # the port opens before the workers have loaded Django: ask until both answer
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:  # noqa: S310
                ready = ready + 1 if answer.status == 200 else 0
        except OSError:
            ready = 0
            time.sleep(0.3)
        if ready >= 2 * workers:
            return proc
    proc.kill()
    raise SystemExit(f"gunicorn on port {port} did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def group_cpu(leader: int) -> float:
    """CPU seconds used so far by the processes of the group ``leader`` leads (the reaped ones too)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == leader:  # fields[0] is the state: pgrp is the 5th field of stat
            used = int(fields[11]) + int(fields[12])  # utime, stime
            if int(stat.parent.name) == leader:
                used += int(fields[13]) + int(fields[14])  # cutime, cstime: workers that ended
            total += used / tick
    return total


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by process ``root`` (with its reaped children) and its living children: the
    throwaway PostgreSQL cluster's postmaster and backends."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(stat.parent.name) == root:
            total += sum(int(f) for f in fields[11:15]) / tick
        elif int(fields[1]) == root:  # the parent's pid is the 4th field
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


_DATABASE = {"pid": 0}  # the throwaway cluster's postmaster, whose CPU is counted with the server's


def used_cpu(server: int) -> float:
    return group_cpu(server) + (tree_cpu(_DATABASE["pid"]) if _DATABASE["pid"] else 0.0)


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, seconds: int, connections: int, lua: str | None = None, server: int = 0) -> dict[str, float]:
    """One wrk round: rate, p50/p99, non-2xx, and the CPU ms per request of the server group ``server``."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if lua:
        argv[1:1] = ["-s", lua]
    cpu = used_cpu(server) if server else 0.0
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout  # noqa: S603
    cpu = used_cpu(server) - cpu if server else 0.0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    count = int(re.search(r"(\d+) requests in", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    lat = {p: float(v) * scale[u] for p, v, u in LATENCY.findall(text)}
    return {"rps": rate, "p50": lat.get("50", 0.0), "p99": lat.get("99", 0.0),
            "errors": float(errors.group(1)) if errors else 0.0, "cpu": 1000 * cpu / max(count, 1)}


def post_script(info: dict[str, str], folder: str) -> str:
    path = Path(folder) / "post.lua"
    body = (f"api_key={info['key']}&service_code={info['code']}&lat={info['lat']}&long={info['lng']}"
            "&description=bench")
    path.write_text('wrk.method = "POST"\n'
                    f'wrk.body = "{body}"\n'
                    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    return str(path)


PG_OPTIONS = "-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=256MB"


@contextlib.contextmanager
def throwaway_cluster(port: int) -> Iterator[str]:
    """A PostgreSQL cluster of the system's newest binaries on 127.0.0.1:``port``: its server URL; removed after."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise SystemExit("no PostgreSQL in /usr/lib/postgresql (apt-get install postgresql), or give --database-url")
    pgbin = found[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="linli-o311-pg-"))
    folder.chmod(0o755)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses to run as root
    if as_pg:
        shutil.chown(folder, "postgres")
    data = str(folder / "data")
    try:
        subprocess.run([*as_pg, pgbin / "initdb", "-D", data, "-U", "linli", "--auth=trust", "-E", "UTF8",  # noqa: S603
                        "--locale=C.UTF-8"], check=True, capture_output=True)
        subprocess.run([*as_pg, pgbin / "pg_ctl", "-D", data, "-l", str(folder / "server.log"), "-w", "-t", "60",  # noqa: S603
                        "-o", f"-p {port} -k {folder} {PG_OPTIONS}", "start"], check=True, capture_output=True)
        _DATABASE["pid"] = int((folder / "data" / "postmaster.pid").read_text().split()[0])
        yield f"postgres://linli@127.0.0.1:{port}/postgres"
    finally:
        _DATABASE["pid"] = 0
        subprocess.run([*as_pg, pgbin / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],  # noqa: S603
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str, name: str, keep: bool = False) -> Iterator[str]:
    """An empty database ``name`` on the server of ``server_url`` (made anew): its URL; dropped after unless
    ``keep``."""
    import psycopg
    from psycopg import sql

    def run(statement: str) -> None:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    run("CREATE DATABASE {}")
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        if not keep:
            run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def measure(label: str, code: Path, rows_list: list[int], args: argparse.Namespace, database_url: str = "",
            database: str = "sqlite") -> list[dict]:
    results: list[dict] = []
    home = args.home or tempfile.mkdtemp(prefix=f"linli-o311-{label}-")
    try:
        for rows in rows_list:
            info = prepare(code, home, rows, database_url)
            linli_port, ping_port = free_port(), free_port()
            servers = [start_server(code, home, linli_port, args.workers, "linli.settings", database_url),
                       start_server(code, home, ping_port, args.workers, "oneline_settings", database_url)]
            try:
                base = f"http://127.0.0.1:{linli_port}/open311/v2/"
                urls = {"POST requests.json": base + "requests.json",
                        "GET requests.json": base + "requests.json",
                        "GET requests.json?status=closed": base + "requests.json?status=closed",
                        "GET requests/{id}.json": base + f"requests/{info['number']}.json",
                        "GET services.json": base + "services.json"}
                lua = post_script(info, home)
                ping = f"http://127.0.0.1:{ping_port}/bench/ping"
                endpoints = [e for e in ENDPOINTS if e in args.endpoint] or list(ENDPOINTS)
                for name, url in (*((e, urls[e]) for e in endpoints), ("ping", ping)):  # warm-up: caches etc.
                    wrk(url, 2, args.connections, lua if name.startswith("POST") else None)
                samples: dict[str, list[dict]] = {name: [] for name in (*endpoints, "one-line view")}
                for _ in range(args.rounds):
                    for name in endpoints:
                        samples[name].append(wrk(urls[name], args.seconds, args.connections,
                                                 lua if name.startswith("POST") else None, servers[0].pid))
                        print(f"  {label} {database} {info['rows']} rows {name}: {samples[name][-1]}",
                              file=sys.stderr)
                    samples["one-line view"].append(wrk(ping, args.seconds, args.connections, None, servers[1].pid))
                    print(f"  {label} one-line: {samples['one-line view'][-1]}", file=sys.stderr)
                ceiling = max(s["rps"] for s in samples["one-line view"])
                ceiling_cpu = min(s["cpu"] for s in samples["one-line view"])
                for name, runs in samples.items():
                    results.append({"code": label, "db": database, "rows": info["rows"], "endpoint": name,
                                    "ceiling": ceiling,
                                    "ceiling_cpu": ceiling_cpu,
                                    **{k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}})
            finally:
                for proc in servers:
                    stop(proc)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    return results


BEGIN, END = "<!-- bench.open311 -->", "<!-- /bench.open311 -->"


def markers(section: str = "") -> tuple[str, str]:
    """The block of ``bench/RESULTS.md`` a run writes: the main one, or ``bench.open311.SECTION``."""
    key = f"bench.open311.{section}" if section else "bench.open311"
    return f"<!-- {key} -->", f"<!-- /{key} -->"


def render(results: list[dict], args: argparse.Namespace) -> str:
    load, now = os.getloadavg()[0], time.gmtime()
    server = f"at {args.database_url.rsplit('@', 1)[-1]}" if args.database_url else f"a throwaway cluster: {PG_OPTIONS}"
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    databases = " and ".join(names[d] for d in dict.fromkeys(r["db"] for r in results))
    lines = [f"# Open311 against a one-line Django view ({databases})", "",
             f"`python -m bench.open311`: gunicorn as `linli run` starts it (gthread, {args.workers} workers × 4 "
             f"threads), wrk 1 thread × {args.connections} connections, {args.seconds} s × {args.rounds} "
             f"round(s) per endpoint after a warm-up, interleaved with the one-line view on the same settings "
             f"and middleware; rate limits raised through their settings; PostgreSQL (where measured) "
             f"{server}, "
             f"persistent connections as shipped; {time.strftime('%Y-%m-%d %H:%M UTC', now)}, "
             f"{os.cpu_count()} CPUs shared with other work (load average {load:.1f} at the end). "
             "CPU ms/req: the server processes' CPU time per answered request, on the throwaway PostgreSQL "
             "cluster with its backends' (× one-line: the one-line view's CPU per request over this one's, the "
             "figure the machine's load moves least).", "",
             "| code | database | cases | endpoint | req/s | p50 / p99 ms | CPU ms/req | × one-line req/s "
             "| × one-line CPU | non-2xx | target |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['code']} | {names[r['db']]} | {r['rows']} | {r['endpoint']} | {r['rps']:,.0f} | "
                     f"{r['p50']:.1f} / {r['p99']:.1f} | {r['cpu']:.2f} | {r['rps'] / r['ceiling']:.2f} | "
                     f"{r['ceiling_cpu'] / r['cpu'] if r['cpu'] else 0:.2f} | {r['errors']:.0f} | "
                     f"{TARGETS.get(r['endpoint'], 'the ceiling')} |")
    return "\n".join(lines) + "\n"


def replace_section(previous: str, section: str, name: str = "") -> str:
    """``previous`` with this script's section (between its markers) replaced, or added at its end."""
    begin, end = markers(name)
    block = f"{begin}\n{section}{end}\n"
    if begin in previous and end in previous:
        head, _sep, rest = previous.partition(begin)
        return head + block + rest.partition(end)[2].lstrip("\n")
    return previous.rstrip("\n") + ("\n\n" if previous.strip() else "") + block


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")
    codes = [c.split("=", 1) for c in args.code] or [["after", str(HERE.parent)]]
    databases = list(dict.fromkeys(args.database)) or ["sqlite"]
    results: list[dict] = []
    with contextlib.ExitStack() as stack:
        server = ""
        if "postgres" in databases:
            server = args.database_url or stack.enter_context(throwaway_cluster(args.pg_port or free_port()))
        for database in databases:
            for label, folder in codes:
                url = ""
                if database == "postgres":
                    url = stack.enter_context(fresh_database(server, f"linli_o311_{label}", keep=bool(args.home)))
                results += measure(label, Path(folder).resolve(),
                                   args.rows or [2500], args, url, database)
    out = Path(args.out)
    text = render(results, args)
    out.write_text(replace_section(out.read_text() if out.exists() else "", text, args.section))
    print(text)


if __name__ == "__main__":
    main()
