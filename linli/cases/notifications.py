"""In-site messages for a case event (webhooks are added beside)."""

from __future__ import annotations


def send_for_event(case_id: int, event_id: int) -> None:
    return None
