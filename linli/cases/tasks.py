"""Background work for cases: notifications, webhooks with backoff, deadlines (and thumbnails beside)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_task()
def notify_case_event(case_id: int, event_id: int) -> None:
    from .notifications import send_for_event

    send_for_event(case_id, event_id)


@db_task()
def post_webhook(webhook_id: int, data: dict, attempt: int = 0) -> None:
    """Post to a group robot; on failure try again later with exponential backoff, then give up and log."""
    from .models import Webhook
    from .notifications import WEBHOOK_RETRIES, backoff_seconds, post

    hook = Webhook.objects.filter(pk=webhook_id, active=True).first()
    if hook is None:
        return
    try:
        post(hook.url, data)
    except Exception as exc:  # noqa: BLE001 - any failure is retried, never raised into a request
        if attempt + 1 >= WEBHOOK_RETRIES:
            log.warning("webhook %s failed %d times, giving up: %s", webhook_id, attempt + 1, exc)
            return
        log.info("webhook %s failed (%s); retrying in %ds", webhook_id, exc, backoff_seconds(attempt))
        post_webhook.schedule((webhook_id, data, attempt + 1), delay=backoff_seconds(attempt))


@db_periodic_task(crontab(minute="*/10"))
def check_deadlines() -> None:
    from .deadlines import check_deadlines as run

    log.info("deadlines: %s", run())


@db_task()
def make_thumbnail(photo_id: int) -> None:
    """The 320 px thumbnail of a case photo (cases-intake)."""
    from .models import CasePhoto
    from .photos import build_thumbnail

    photo = CasePhoto.objects.filter(pk=photo_id).first()
    if photo is not None and not photo.thumbnail:
        build_thumbnail(photo)
