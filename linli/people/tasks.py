"""Background work of the people app: running a confirmed Excel import with progress on its job."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from linli.core import jobs
from linli.core.models import Job

from .excel import ImportReport, RowError, import_people_file

log = logging.getLogger(__name__)

IMPORT_KIND = "import_people"
IMPORT_DIR = "imports"
MAX_STORED_ERRORS = 1000
STALE_UPLOAD_SECONDS = 24 * 3600


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_import_job(job_id: int) -> Job:
    """Run the import a job describes, keeping ``job.done`` up to date, and delete the uploaded file."""
    job = Job.objects.select_related("created_by").get(pk=job_id, kind=IMPORT_KIND)
    jobs.start(job.pk)
    path = Path(settings.MEDIA_ROOT) / job.params["path"]

    def progress(done: int, total: int) -> None:
        jobs.progress(job.pk, done, total)

    try:
        report = import_people_file(path, user=job.created_by, dry_run=False, progress=progress)
    except Exception:  # never leave a job spinning: record the failure for the page
        log.exception("people import job %s failed", job.pk)
        message = _("An internal error stopped the import; nothing was written.")
        report = ImportReport(dry_run=False, errors=[RowError(0, "", message)])
    result = report.as_dict()
    result["errors"] = result["errors"][:MAX_STORED_ERRORS]
    result["error_count"] = len(report.errors)
    job.refresh_from_db()
    job.result = result
    job.status = Job.Status.DONE if report.ok else Job.Status.FAILED
    job.total = report.total or job.total
    job.done = job.total if report.ok else job.done
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "total", "done", "finished_at"])
    path.unlink(missing_ok=True)  # personal data: keep the upload no longer than needed
    return job


@db_task()
def import_people_task(job_id: int) -> None:
    run_import_job(job_id)


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_import_uploads() -> int:
    """Delete uploads (and their previews) that were never confirmed, a day after upload."""
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    removed = 0
    for path in import_dir().iterdir():
        if path.suffix in {".xlsx", ".json"} and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
