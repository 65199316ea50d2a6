"""A throwaway PostgreSQL cluster from the system binaries, for ``make bench DB=postgres``.

``throwaway_postgres(port)`` runs ``initdb`` into a temporary folder (as user ``postgres`` when we are
root, like ``.ci/run``), starts ``postgres`` on 127.0.0.1 at ``port`` (or a free one) with fsync off,
creates the database ``linli`` and yields its URL; the cluster is stopped and removed afterwards,
whatever happened.  Nothing here is for production: the cluster trusts every local connection.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class ClusterError(RuntimeError):
    """The system's PostgreSQL binaries are missing or the cluster would not start."""


def pg_bin() -> Path:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb``."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    if not found:
        raise ClusterError("PostgreSQL's binaries are not installed (/usr/lib/postgresql/*/bin/initdb): "
                           "apt-get install postgresql, or pass DATABASE_URL of an empty database.")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def throwaway_postgres(port: int | None = None) -> Iterator[str]:
    """Yield ``postgres://linli@127.0.0.1:PORT/linli`` of a fresh cluster, stopped and deleted afterwards."""
    bindir = pg_bin()
    port = port or free_port()
    if _port_taken(port):
        raise ClusterError(f"something already listens on 127.0.0.1:{port}: choose another PGPORT.")
    root = Path(tempfile.mkdtemp(prefix="linli-bench-pg-"))
    root.chmod(0o755)
    as_root = os.geteuid() == 0

    def run(*cmd: str) -> None:
        argv = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode:
            raise ClusterError(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()[-2000:]}")

    if as_root:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    started = False
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "linli", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8")
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off "
                   "-c synchronous_commit=off -c shared_buffers=256MB -c maintenance_work_mem=256MB "
                   "-c max_wal_size=4GB")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
            "-o", options, "start")
        started = True
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "linli", "linli")
        yield f"postgres://linli@127.0.0.1:{port}/linli"
    finally:
        if started:
            subprocess.run((["runuser", "-u", "postgres", "--"] if as_root else [])
                           + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def run_on_database(args: Any, run: Callable[[Any], str]) -> str:
    """``run(args)`` on the database the options chose: ``--database-url`` as given (then ``args.db`` is
    ``postgres``), a throwaway cluster on ``--pg-port`` for ``--db postgres``, else SQLite."""
    if args.database_url:
        args.db = "postgres"
        return run(args)
    if args.db != "postgres":
        return run(args)
    with throwaway_postgres(args.pg_port) as url:
        args.database_url = url
        return run(args)
