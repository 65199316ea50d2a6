"""Background work of the core app: failing jobs whose worker was killed (``core.jobs``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import jobs


@db_periodic_task(crontab(minute="*/5"))
def fail_abandoned_jobs() -> int:
    return jobs.fail_abandoned()
