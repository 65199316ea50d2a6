"""A person's own meetings and their secret calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links

from .. import ical, services
from ..models import AgendaItem

# --- mine

@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The topics I raised and what became of them."""
    person_id = request.user.person_id
    if not person_id:
        raise Http404
    qs = AgendaItem.objects.filter(raised_by_id=person_id).select_related("meeting__series", "case")
    return render(request, "meetings/mine.html", page_links(qs, request))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_link(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        services.revoke_calendar_token(request.user)
        messages.success(request, _("The old link no longer works; here is a new one."))
        return redirect("meetings:calendar")
    token = services.calendar_token(request.user)
    url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token.token]))
    return render(request, "meetings/calendar.html", {"url": url})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's meetings, for a calendar app: the secret URL is the only key (revocable)."""
    from ..models import CalendarToken

    row = CalendarToken.objects.select_related("user").filter(token=token[:64], revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        raise Http404
    body = ical.calendar(ical.feed_window(services.user_calendar_meetings(row.user)), _("My meetings"),
                         request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
