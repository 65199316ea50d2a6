"""Background work of the reports app: the monthly workbook of a large unit (a street or the district),
written under MEDIA_ROOT/reports/ with progress on its job and kept for download by whoever asked."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import db_task

from linli.core import jobs
from linli.core.models import Job
from linli.places.models import Area, Department

from . import excel, figures, rollup
from .periods import month_period

log = logging.getLogger(__name__)

MONTHLY_KIND = "reports_monthly"
REPORT_DIR = "reports"


def report_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / REPORT_DIR / f"monthly-{job.pk}.xlsx"


def unit_of(params: dict) -> Area | Department:
    if params.get("department"):
        return Department.objects.get(pk=params["department"])
    return Area.objects.get(code=params["area"])


def run_monthly_job(job_id: int) -> Job:
    """Compute the unit's month and write its workbook, keeping ``job.done`` (sheets written) up to date."""
    job = Job.objects.get(pk=job_id, kind=MONTHLY_KIND)
    jobs.start(job.pk)

    def progress(done: int, total: int) -> None:
        jobs.progress(job.pk, done, total)

    try:
        unit = unit_of(job.params)
        d = figures.dashboard(unit, month_period(dt.date.fromisoformat(job.params["month"])))
        data = excel.monthly_workbook(d, progress)
        path = report_path(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        job.result = {"path": str(path.relative_to(settings.MEDIA_ROOT)), "unit": unit.name,
                      "month": job.params["month"]}
        job.status = Job.Status.DONE
    except Exception:  # never leave a job spinning
        log.exception("monthly report job %s failed", job.pk)
        job.status = Job.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])
    return job


@db_task()
def monthly_report_task(job_id: int) -> None:
    run_monthly_job(job_id)


@db_task()
def rebuild_rollup_task() -> None:
    """``linli rollup`` in the background worker."""
    log.info("case rollup rebuilt: %s rows", rollup.rebuild())
