"""In-site messages (站内消息): what the background worker told a user about their cases."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_by_id

from ..messages import unread_count
from ..models import Message

PAGE = 30


@login_required
def message_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own messages, newest first, by key (``?before=<id>``)."""
    qs = Message.objects.filter(recipient=request.user).select_related("case")
    page, next_before = page_by_id(qs, request.GET.get("before"), PAGE)
    for message in page:
        message.is_reporter = message.case is not None and message.case.reporter_id == request.user.pk
    return render(request, "cases/messages.html", {
        "page": page, "next_before": next_before,
        "unread": unread_count(request.user)})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    Message.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:messages")
