"""The ``linli`` command line: aliases, ``linli run`` (preparation and supervision) and ``createuser``."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from linli import cli
from linli.core.management.commands import linli_run
from linli.core.scope import scope_for
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area, AreaLevel

User = get_user_model()


# --- the entry point ----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "command"), [
    ("run", "linli_run"), ("import", "linli_import"), ("export", "linli_export"),
    ("demo", "demo"), ("createuser", "createuser"), ("migrate", "migrate"),
])
def test_linli_command_runs_the_matching_management_command(monkeypatch, typed, command):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    cli.main([typed, "--flag", "value"])
    assert seen == [["linli", command, "--flag", "value"]]


# --- linli run: preparation ---------------------------------------------------------------------

@pytest.fixture
def fake_demo(monkeypatch, make_person):
    """Stand-in for the demo data: one district and the grid worker's account, no minute-long load."""
    calls: list[str] = []
    real_call_command = linli_run.call_command

    def recording_call_command(name, *args, **kwargs):
        if name == "demo" and kwargs.get("logins"):  # the real listing of the logins that exist
            return real_call_command(name, *args, **kwargs)
        calls.append(name)
        if name == "collectstatic":
            return None
        if name == "demo":
            district = Area.objects.create(level=AreaLevel.DISTRICT, code="500113", name="巴南区")
            User.objects.create_user("grid-xinhejie", password="linli-demo",
                                     person=make_person(district, name="网格员"))
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(linli_run, "call_command", recording_call_command)
    monkeypatch.setattr(linli_run, "get_commands", lambda: {"demo": "linli.demo"})
    return calls


def test_first_start_migrates_loads_demo_data_and_prints_the_logins(db, fake_demo):
    out = io.StringIO()
    assert linli_run.prepare(host="127.0.0.1", port=8123, stdout=out) is True
    assert fake_demo == ["migrate", "collectstatic", "demo"]
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    assert "linli-demo" in text
    assert "grid-xinhejie" in text and "新河街网格" in text
    assert "district " not in text  # only accounts that really exist are offered


def test_later_starts_keep_the_data_and_do_not_load_the_demo_again(tree, fake_demo):
    assert linli_run.prepare(stdout=io.StringIO()) is False
    assert fake_demo == ["migrate", "collectstatic"]


def test_no_demo_leaves_a_fresh_database_empty(db, fake_demo):
    out = io.StringIO()
    assert linli_run.prepare(demo=False, stdout=out) is False
    assert "demo" not in fake_demo
    assert not Area.objects.exists()
    assert "linli-demo" not in out.getvalue()


def test_listening_on_all_interfaces_prints_a_url_a_browser_can_open(db, fake_demo, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    out = io.StringIO()
    linli_run.prepare(host="0.0.0.0", port=9000, demo=False, stdout=out)  # noqa: S104
    assert "http://localhost:9000/" in out.getvalue()
    assert "LINLI_ALLOWED_HOSTS" in out.getvalue()


def test_web_server_runs_several_threaded_workers_that_keep_their_database_connections(settings):
    web = linli_run.server_commands("127.0.0.1", 8000, workers=3)["web"]
    assert web[web.index("--worker-class") + 1] == "gthread"
    assert web[web.index("--workers") + 1] == "3"
    assert web[web.index("--bind") + 1] == "127.0.0.1:8000"
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_run_rejects_an_impossible_port():
    with pytest.raises(CommandError, match="port"):
        call_command("linli_run", port=70000)


# --- linli run: supervision ---------------------------------------------------------------------

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_when_one_server_process_dies_the_other_is_stopped_and_run_fails():
    supervisor = linli_run.Supervisor({"web": SLEEPER, "worker": [sys.executable, "-c", "raise SystemExit(3)"]},
                                      log=lambda _msg: None)
    started = time.monotonic()
    assert supervisor.run() == 3
    assert all(p.poll() is not None for p in supervisor.children.values())
    assert time.monotonic() - started < 10


def test_sigterm_stops_both_server_processes_cleanly():
    supervisor = linli_run.Supervisor({"web": SLEEPER, "worker": SLEEPER}, log=lambda _msg: None)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert supervisor.run() == 0
    assert all(p.poll() is not None for p in supervisor.children.values())
    assert signal.getsignal(signal.SIGTERM) is not supervisor._on_signal  # handlers restored


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_linli_run_serves_healthz_and_ctrl_c_stops_web_and_worker(tmp_path: Path):
    """The real thing: gunicorn and the huey consumer under one command, stopped by SIGINT."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(LINLI_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="linli.settings")
    proc = subprocess.Popen([sys.executable, "-m", "linli.cli", "run", "--no-demo", "--port", str(port),  # noqa: S603
                             "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        body, deadline = None, time.monotonic() + 240  # first start migrates a new home: slow on a loaded machine
        while time.monotonic() < deadline and proc.poll() is None:
            if body is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                        body = response.read().decode()
                except OSError:
                    pass
            if body is not None and any("Huey consumer started" in line for line in lines):
                break
            time.sleep(0.3)
        if body is None:
            proc.kill()
            reader.join(5)
            pytest.fail("the web server never answered:\n" + "".join(lines))
        assert '"database": "ok"' in body and '"queue": "ok"' in body
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=40)
        reader.join(5)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines)
    assert proc.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output
    assert "Consumer exiting" in output, output
    assert "Shutting down: Master" in output, output


# --- createuser ---------------------------------------------------------------------------------

def test_createuser_makes_a_grid_worker_who_can_sign_in_and_sees_their_grid(tree, client):
    out = io.StringIO()
    call_command("createuser", "wangfang", password="long-enough-9", role="grid_worker", area=tree.g1.code,
                 name="王芳", stdout=out)
    user = User.objects.select_related("person").get(username="wangfang")
    assert user.person.name == "王芳" and user.person.area == tree.g1
    assert RoleAssignment.objects.current().filter(person=user.person, role="grid_worker", area=tree.g1).exists()
    assert scope_for(user).area_codes == (tree.g1.code,)
    assert client.login(username="wangfang", password="long-enough-9")
    assert "wangfang" in out.getvalue()


def test_createuser_links_an_existing_person(tree, make_person):
    person = make_person(tree.comm_a1, name="李明")
    call_command("createuser", "liming", password="long-enough-9", role="community_staff",
                 area=tree.comm_a1.code, person_id=person.pk, stdout=io.StringIO())
    assert User.objects.get(username="liming").person == person
    assert Person.objects.filter(name="李明").count() == 1


def test_createuser_makes_a_department_handler(tree):
    call_command("createuser", "cg", password="long-enough-9", role="department_handler",
                 department="chengguan", stdout=io.StringIO())
    user = User.objects.get(username="cg")
    assert scope_for(user).department_ids == (tree.dept.pk,)


def test_createuser_generates_and_prints_a_password_when_none_is_given(tree, client, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    out = io.StringIO()
    call_command("createuser", "zhao", role="street_staff", area=tree.street_a.code, stdout=out)
    password = out.getvalue().split("Password: ")[1].strip()
    assert client.login(username="zhao", password=password)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role": "mayor", "area": "500113001001001"}, "mayor"),
    ({"role": "grid_worker", "area": "500113999"}, "500113999"),
    ({"role": "grid_worker"}, "--area"),
    ({"role": "department_handler", "department": "nosuch"}, "nosuch"),
    ({"role": "district_admin", "area": "500113001"}, "6"),
    ({"role": "grid_worker", "area": "500113001001001", "person_id": 999999}, "999999"),
    ({}, "--role"),
])
def test_createuser_rejects_bad_input_with_a_clear_message_and_creates_nothing(tree, kwargs, message):
    people = Person.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "nobody", password="long-enough-9", stdout=io.StringIO(), **kwargs)
    assert not User.objects.filter(username="nobody").exists()
    assert Person.objects.count() == people
    assert not RoleAssignment.objects.exists()


def test_createuser_refuses_a_taken_username_and_a_weak_password(tree):
    call_command("createuser", "taken", password="long-enough-9", role="grid_worker", area=tree.g1.code,
                 stdout=io.StringIO())
    with pytest.raises(CommandError, match="taken"):
        call_command("createuser", "taken", password="long-enough-9", role="grid_worker", area=tree.g1.code)
    with pytest.raises(CommandError):
        call_command("createuser", "weak", password="123", role="grid_worker", area=tree.g1.code)
    assert not User.objects.filter(username="weak").exists()
    assert Person.objects.filter(name="weak").count() == 0
