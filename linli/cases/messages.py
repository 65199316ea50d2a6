"""In-site messages (站内消息): counting a user's unread ones for the page frame."""

from __future__ import annotations

from linli.core.models import User

from .models import Message


def unread_count(user: User) -> int:
    """Unread messages of a signed-in user (one indexed count)."""
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
