"""Faults a process cannot catch: SIGKILL of the web process in the middle of filing a report (no half-written
case; the phone's retry files it once), SIGKILL of the background worker in the middle of a job (the job is
reported failed, not left spinning) and a full disk on a photo upload (a clear 503, no orphan rows or files).
The PostgreSQL backup round trip is ``test_backup_postgresql.py``.

The killed process is a real child Python process on the same database, killed with SIGKILL while it
holds its transaction open."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.api.tests.conftest import jpeg, token_for
from linli.cases.models import Case, CaseEvent, CasePhoto, Category
from linli.cases.tests.intake_helpers import INSIDE_G1, upload
from linli.core import jobs
from linli.core.models import Job
from linli.core.tests.reliability import check
from linli.reports.tasks import MONTHLY_KIND

CHILD = """
import json, os, sys, time
import django
args = json.loads(sys.argv[1])
django.setup()
from django.conf import settings
from django.db import connections
connections["default"].settings_dict["NAME"] = args["db"]
settings.MEDIA_ROOT = args["media"]

def stop_here(*a, **k):  # the transaction is open: say so, then wait to be killed
    open(args["marker"], "w").close()
    time.sleep(120)

if args["what"] == "report":
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from linli.cases import services
    from linli.core.models import User
    services.save_photo = stop_here
    client = Client()
    client.force_login(User.objects.get(pk=args["user"]))
    photo = SimpleUploadedFile("p.jpg", bytes.fromhex(args["photo"]), "image/jpeg")
    client.post("/cases/report/", {**args["data"], "photos": [photo]})
else:
    from linli.reports import excel, tasks
    def first_sheet_then_stop(d, progress):
        progress(1, 5)
        stop_here()
    excel.monthly_workbook = first_sheet_then_stop
    tasks.run_monthly_job(args["job"])
"""


def run_and_kill(tmp_path: Path, **args) -> int:
    """Start the child, wait until it is inside its transaction, SIGKILL it; returns its exit status."""
    marker = tmp_path / f"inside-{uuid.uuid4().hex}"
    payload = {**args, "db": connection.settings_dict["NAME"], "marker": str(marker), "media": str(args["media"])}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "linli.test_settings"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(payload)], env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child process ended before reaching the fault"
            assert time.monotonic() < deadline, "the child process never reached the fault"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        return child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def report_data() -> dict:
    return {"category": Category.objects.get(code="manhole").pk, "description": "井盖破了", "lat": INSIDE_G1[0],
            "lng": INSIDE_G1[1], "client_token": str(uuid.uuid4())}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_of_the_web_process_mid_report_leaves_no_half_case_and_the_retry_files_it_once(
        tree, make_user, media, tmp_path):
    rider = make_user("rider-k", home=tree.g1)
    data = report_data()
    status = run_and_kill(tmp_path, what="report", user=rider.pk, data=data, photo=jpeg().hex(), media=media)
    nothing = not (Case.objects.exists() or CaseEvent.objects.exists() or CasePhoto.objects.exists())
    client = Client()
    client.force_login(rider)
    retry = client.post("/cases/report/", {**data, "photos": [upload(jpeg())]})  # the phone sends it again
    once = retry.status_code == 302 and Case.objects.count() == 1 and CasePhoto.objects.count() == 1
    ok = status == -signal.SIGKILL and nothing and once
    assert check("faults", "SIGKILL of the web process mid-report", ok), (status, nothing, retry.status_code)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_of_the_worker_mid_job_is_reported_failed_on_the_job_page(tree, make_user, media, tmp_path):
    street = make_user("street-k", "street_staff", tree.street_a)
    job = Job.objects.create(kind=MONTHLY_KIND, created_by=street, params={"area": tree.street_a.code,
                                                                           "month": "2026-11-01"})
    status = run_and_kill(tmp_path, what="job", job=job.pk, media=media)
    job.refresh_from_db()
    killed_mid_job = status == -signal.SIGKILL and job.status == Job.Status.RUNNING and job.done == 1
    alive_not_failed = jobs.fail_abandoned() == 0  # quiet for less than LINLI_JOB_STALE_SECONDS: still running
    failed = jobs.fail_abandoned(now=timezone.now() + jobs.stale_after() + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    client = Client()
    client.force_login(street)
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    ok = (killed_mid_job and alive_not_failed and failed and job.status == Job.Status.FAILED
          and job.finished_at and "请重试" in page and 'hx-trigger="every 1s"' not in page)
    assert check("faults", "SIGKILL of the worker mid-job", ok), (status, job.status, job.done)


def test_an_abandoned_import_job_reads_as_a_failed_import(tree, make_user, client):
    staff = make_user("staff-j", "community_staff", tree.comm_a1)
    job = Job.objects.create(kind="import_people", created_by=staff, status=Job.Status.RUNNING, total=10, done=3,
                             params={"path": "imports/x.xlsx"})
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - jobs.stale_after() - dt.timedelta(seconds=5))
    assert jobs.fail_abandoned() == 1
    client.force_login(staff)
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    ok = "导入失败" in page and "后台任务" in page
    assert check("faults", "abandoned import job shown failed", ok), page[-800:]


# --- a full disk --------------------------------------------------------------------------------------

@pytest.fixture
def disk_full_after(monkeypatch):
    """The storage writes ``n`` files, then the disk is full."""
    def install(n: int) -> None:
        real, calls = FileSystemStorage._save, []

        def save(self, name, content):
            calls.append(name)
            if len(calls) > n:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(self, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)

    return install


@pytest.mark.parametrize("saved_first", [0, 1])
def test_disk_full_on_the_report_page_gives_a_clear_503_and_no_orphan_rows_or_files(
        tree, make_user, media, disk_full_after, saved_first):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("rider-d", home=tree.g1))
    disk_full_after(saved_first)
    response = client.post("/cases/report/", {**report_data(), "photos": [upload(jpeg(), "a.jpg"),
                                                                          upload(jpeg(), "b.jpg")]})
    ok = (response.status_code == 503 and "存储空间已满" in response.content.decode() and response["Retry-After"]
          and not (Case.objects.exists() or CaseEvent.objects.exists() or CasePhoto.objects.exists())
          and not files_in(media))
    assert check("faults", f"disk full on a report photo (after {saved_first} saved)", ok), response.status_code


def test_disk_full_on_an_api_photo_gives_a_json_503_and_changes_nothing(tree, make_user, categories, media,
                                                                         disk_full_after):
    from linli.cases.services import file_case

    worker, community = make_user("worker", "grid_worker", tree.g1), make_user("c", "community_staff", tree.comm_a1)
    case = file_case(category=categories.manhole, channel="h5", description="井盖", reporter=None, area=tree.g1)
    staff = Client(headers={"Authorization": f"Bearer {token_for(community)}"})
    for step, data in (("accept", {}), ("dispatch", {"level": "grid"})):
        staff.post(f"/api/cases/{case.number}/actions/{step}", data)
    case.refresh_from_db()
    status, events = case.status, CaseEvent.objects.count()
    disk_full_after(0)
    api = Client(headers={"Authorization": f"Bearer {token_for(worker)}"}, raise_request_exception=False)
    response = api.post(f"/api/cases/{case.number}/actions/resolve", {"note": "已更换", "photos": [upload(jpeg())]})
    case.refresh_from_db()
    ok = (response.status_code == 503 and "存储空间已满" in response.json()["detail"] and case.status == status
          and CaseEvent.objects.count() == events and not CasePhoto.objects.exists() and not files_in(media))
    assert check("faults", "disk full on an API photo", ok), response.status_code
