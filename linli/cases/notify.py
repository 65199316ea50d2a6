"""Who hears about a case change: in-site messages and group-robot webhooks, sent by the worker.

Every code path that writes a ``CaseEvent`` (filing, a transition, a deadline warning) calls
``after_commit(event)``, so the handlers hear of it once, and only if the change was stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .models import CaseEvent


def case_changed(case_id: int, event_id: int) -> None:
    """Queue the notifications for one case event now."""
    from .tasks import notify_case_event

    notify_case_event(case_id, event_id)


def after_commit(event: CaseEvent) -> None:
    """Queue the notifications for ``event`` once the current transaction commits (never on a rollback)."""
    case_id, event_id = event.case_id, event.pk
    transaction.on_commit(lambda: case_changed(case_id, event_id))
