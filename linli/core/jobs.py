"""Background jobs that outlive their worker: a job whose worker was killed (SIGKILL, OOM, a reboot) is
reported failed instead of spinning on its page for ever.

The worker marks a job running with ``start`` and beats with every ``progress``; ``fail_abandoned`` (every
five minutes, ``core.tasks``) fails running jobs that have been quiet for ``LINLI_JOB_STALE_SECONDS``.  The
jobs write all their rows in one transaction (an import) or only read (a report), so a killed job left
nothing half-done: the person who asked may simply start it again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "LINLI_JOB_STALE_SECONDS", 900)))


def start(job_id: int) -> None:
    """The worker has taken the job."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())


def progress(job_id: int, done: int, total: int) -> None:
    """One more step of the job is done (and its worker is alive)."""
    Job.objects.filter(pk=job_id).update(done=done, total=total, heartbeat_at=timezone.now())


def fail_abandoned(now: dt.datetime | None = None) -> int:
    """Fail the running jobs whose worker went quiet; returns how many.  Their pages say so."""
    cutoff = (now or timezone.now()) - stale_after()
    message = _("The background worker stopped during this job; nothing was saved. Please start it again.")
    abandoned = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    # The result in the shape the job pages read: "ok" and a list of [row, column, message] errors.
    return abandoned.update(status=Job.Status.FAILED, finished_at=now or timezone.now(),
                            result={"ok": False, "error": message, "errors": [[0, "", message]]})
