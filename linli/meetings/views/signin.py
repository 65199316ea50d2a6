"""Sign-in at the meeting: the rotating code, members signing in on their phones, the attendance list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.actions import handle
from linli.core.http import AuthenticatedRequest

from .. import services
from ..forms import (
    CodeForm,
    PersonByMobileForm,
)
from ..models import Attendance, Meeting
from .common import meeting_to_run, meeting_url, person_by_mobile

# --- sign-in

def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@login_required
@require_GET
def meeting_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The screen at the meeting: this minute's sign-in code and its QR code (htmx refreshes it)."""
    meeting = meeting_to_run(request, pk)
    now = timezone.now()
    code = services.current_code(meeting, now)
    url = request.build_absolute_uri(reverse("meetings:signin", args=[meeting.pk]) + "?" + urlencode({"code": code}))
    try:
        services.check_sign_in_window(meeting, now)
        closed = ""
    except ValidationError as exc:
        closed = exc.messages[0]
    context = {"meeting": meeting, "code": code, "qr": _qr_svg(url), "seconds": services.seconds_left(now),
               "closed": closed, "present": services.present_count(meeting)}
    response = render(request, "meetings/code_panel.html" if request.htmx else "meetings/code.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = Meeting.objects.select_related("series").filter(pk=pk).first()
    person = getattr(request.user, "person", None)
    if meeting is None or person is None:
        raise Http404
    # Visitors from elsewhere reach it through the QR code (a valid code); nobody else learns of the meeting.
    code = (request.POST.get("code") or request.GET.get("code") or "")[:6]
    if not (services.visible_meetings(request.user).filter(pk=meeting.pk).exists()
            or services.code_is_valid(meeting, code)):
        raise Http404
    form = CodeForm(request.POST or None, initial={"code": (request.GET.get("code") or "")[:6]})
    # Signed in, the person sees the meeting (and votes on its open motions if a member).
    done = handle(request, form, lambda data: services.sign_in(meeting, person, data["code"]),
                  then=lambda _a: meeting_url(meeting), done=_("You are signed in. Thank you for taking part."))
    if done:
        return done
    own = Attendance.objects.filter(meeting=meeting, person=person, signed_in_at__isnull=False).first()
    return render(request, "meetings/signin.html", {"meeting": meeting, "form": form, "own": own})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)
    form = PersonByMobileForm(request.POST or None)

    def record(data: dict[str, Any]) -> str:
        person = person_by_mobile(request.user, data["mobile"])
        if person is None:
            raise ValidationError({"mobile": _("No person with this mobile number in your area.")})
        if request.POST.get("action") == "invite":
            services.invite(request.user, meeting, person)
            return _("%(name)s is invited.") % {"name": person.name}
        services.mark_present(request.user, meeting, person)
        return _("%(name)s is signed in.") % {"name": person.name}

    done = handle(request, form, record, done=str,  # ``record`` says what it did
                  then=lambda _m: reverse("meetings:attendance", args=[meeting.pk]))
    if done:
        return done
    rows = list(meeting.attendances.select_related("person").order_by("signed_in_at", "pk")[:500])
    return render(request, "meetings/attendance.html", {
        "meeting": meeting, "rows": rows, "form": form, "present": sum(1 for r in rows if r.signed_in_at)})
