"""Who hears about a case change: in-site messages and group-robot webhooks, sent by the worker."""

from __future__ import annotations


def case_changed(case_id: int, event_id: int) -> None:
    """Queue the notifications for one case event (after the transaction commits)."""
    from .tasks import notify_case_event

    notify_case_event(case_id, event_id)
