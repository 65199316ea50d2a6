"""Background work for cases: notifications now; deadlines and thumbnails are added beside."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def notify_case_event(case_id: int, event_id: int) -> None:
    from .notifications import send_for_event

    send_for_event(case_id, event_id)
