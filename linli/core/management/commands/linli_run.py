"""``linli run``: prepare the database and start the web server and the background worker together.

``prepare()`` migrates, collects static files, loads the demo data on the very first start and
prints where to go and how to sign in; ``serve()`` starts gunicorn (gthread workers, so that every
thread keeps its persistent database connection, see ``CONN_MAX_AGE``) and the huey consumer as two
child processes and supervises them: Ctrl-C or SIGTERM stops both, and if one of them dies the
other is stopped and the command exits non-zero.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from io import TextIOBase
from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

STOP_TIMEOUT = 15.0


def default_workers() -> int:
    """Two to four gunicorn processes, by the number of CPUs (each runs several threads)."""
    return max(2, min(4, os.cpu_count() or 1))


def prepare(*, host: str = "127.0.0.1", port: int = 8000, demo: bool = True,
            stdout: TextIO | TextIOBase | None = None) -> bool:
    """Migrate, collect static files, load the demo data on first start and print the logins.

    Returns True when the demo data were loaded by this call.
    """
    out = stdout or sys.stdout
    out.write(_("Linli: data in %(path)s") % {"path": settings.LINLI_HOME} + "\n")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaded = False
    if demo and not apps.get_model("places", "Area").objects.exists():
        if "demo" in get_commands():
            out.write(_("First start: loading the demo data …") + "\n")
            report = io.StringIO()
            call_command("demo", stdout=report)
            for line in report.getvalue().splitlines()[:2]:  # how long it took and how much; logins follow
                out.write(line + "\n")
            loaded = True
        else:
            out.write(_("First start, but this build has no demo data; the database stays empty.") + "\n")
    shown = "localhost" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - display only
    if ":" in shown:
        shown = f"[{shown}]"
    out.write("\n" + _("Linli is at %(url)s") % {"url": f"http://{shown}:{port}/"} + "\n")
    if host not in {"127.0.0.1", "localhost", "::1"} and "*" not in settings.ALLOWED_HOSTS:
        out.write(_("Reachable from other machines: add their host name or address to LINLI_ALLOWED_HOSTS "
                    "(now: %(hosts)s).") % {"hosts": ",".join(settings.ALLOWED_HOSTS)} + "\n")
    if "demo" in get_commands():
        # The demo app is found by its command name, never imported: core uses no app.
        call_command("demo", logins=True, stdout=out)
    out.write(_("Press Ctrl-C to stop.") + "\n\n")
    out.flush()
    return loaded


def _child_setup() -> None:
    """In the child: die with the parent (Linux) even if the parent is killed without cleanup."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def server_commands(host: str, port: int, workers: int, threads: int = 4) -> dict[str, list[str]]:
    """The two child processes: gunicorn for the web, the huey consumer for background work."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "web": [
            sys.executable, "-m", "gunicorn", "linli.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            "--worker-class", "gthread",
            "--threads", str(threads),
            "--graceful-timeout", "10",
            "--timeout", "60",
            # A worker is replaced after this many requests (a leak cannot grow for ever); each start costs
            # about a second of CPU (Django loads again), so at 5,000 a busy server spent a tenth of its time
            # restarting, and the requests queued behind a restarting worker made the p99.
            "--max-requests", "50000",
            "--max-requests-jitter", "5000",
            "--access-logfile", "-",
            "--name", "linli-web",
            "--no-control-socket",  # keep all state under LINLI_HOME, nothing in ~/.gunicorn
        ],
        "worker": [sys.executable, "-m", "linli.cli", "run_huey"],
    }


class Supervisor:
    """Runs child processes; stops all when asked to or when one of them ends."""

    def __init__(self, commands: dict[str, list[str]], env: dict[str, str] | None = None,
                 log: Callable[[str], None] = print):
        self.commands = commands
        self.env = env
        self.log = log
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_requested: int | None = None

    def _on_signal(self, signum, _frame) -> None:
        self.stop_requested = signum

    def start(self) -> None:
        for name, argv in self.commands.items():
            # Own process group: a Ctrl-C reaches only this supervisor, which stops the children in order.
            self.children[name] = subprocess.Popen(argv, env=self.env, process_group=0,  # noqa: S603
                                                   preexec_fn=_child_setup)

    def stop(self) -> None:
        """SIGTERM to the web server, SIGINT (graceful) to huey; kill what is left after a timeout."""
        for name, proc in self.children.items():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def run(self) -> int:
        """Start the children and wait. Returns 0 after a requested stop, else non-zero."""
        stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {s: signal.signal(s, self._on_signal) for s in stop_signals}
        try:
            self.start()
            while self.stop_requested is None:
                for name, proc in self.children.items():
                    code = proc.poll()
                    if code is not None:
                        self.log(_("Linli: the %(name)s process ended (exit code %(code)s); stopping the other.")
                                 % {"name": name, "code": code})
                        self.stop()
                        return code or 1
                time.sleep(0.3)
            self.log(_("Linli: stopping …"))
            self.stop()
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


PORT_WAIT_SECONDS = 30.0


def port_is_free(host: str, port: int) -> bool:
    """Whether a listening socket could be bound to ``host:port`` now (as gunicorn will, with SO_REUSEADDR)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(host: str, port: int, timeout: float = PORT_WAIT_SECONDS,
                  log: Callable[[str], None] = print) -> bool:
    """Wait until the port is free: after the web master was killed (SIGKILL), its orphaned workers hold
    the socket until they notice and finish their requests (a few seconds); a restart waits for them
    instead of failing to bind."""
    deadline = time.monotonic() + timeout
    told = False
    while not port_is_free(host, port):
        if time.monotonic() >= deadline:
            return False
        if not told:
            log(_("Linli: port %(port)d is still held (by server processes of an earlier start?); waiting …")
                % {"port": port})
            told = True
        time.sleep(0.5)
    return True


def serve(*, host: str, port: int, workers: int) -> int:
    env = {**os.environ, "LINLI_HOME": str(settings.LINLI_HOME),
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "linli.settings")}
    supervisor = Supervisor(server_commands(host, port, workers), env=env,
                            log=lambda msg: print(msg, file=sys.stderr, flush=True))
    return supervisor.run()


class Command(BaseCommand):
    help = "Migrate, load the demo data on first start, then serve the web app and the background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="Web server processes, each with 4 threads (default: by CPU count, 2 to 4).")
        parser.add_argument("--no-demo", action="store_true",
                            help="Do not load the demo data on first start.")

    def handle(self, *args, host: str, port: int, workers: int, no_demo: bool, **options) -> None:
        if not 0 < port < 65536:
            raise CommandError(_("--port must be between 1 and 65535, not %(port)s.") % {"port": port})
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        prepare(host=host, port=port, demo=not no_demo, stdout=self.stdout)
        if not wait_for_port(host, port, log=lambda msg: print(msg, file=sys.stderr, flush=True)):
            raise CommandError(_("Port %(port)d stays in use by another program; stop it or choose --port.")
                               % {"port": port})
        code = serve(host=host, port=port, workers=workers)
        if code:
            raise CommandError(_("Linli stopped because a server process ended."), returncode=code)
