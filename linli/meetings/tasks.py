"""Background work for meetings: messages to attendees and proposers, the coming meetings of each series."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_task()
def send_messages(user_ids: list[int], text: str, case_id: int | None = None) -> None:
    """In-site messages (the same inbox as the case loop's)."""
    from linli.cases.models import Message

    Message.objects.bulk_create([Message(recipient_id=uid, case_id=case_id, text=text[:300]) for uid in user_ids])


@db_periodic_task(crontab(hour="3", minute="10"))
def generate_meetings() -> None:
    from .services import generate_all

    log.info("meetings: %d coming meetings generated", generate_all())
