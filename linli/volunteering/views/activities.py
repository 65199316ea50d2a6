"""Activities: the list, a new one, sign-up and cancelling, the check-in code, check-in, attendance, hours."""


from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import fail
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_by_start
from linli.core.scope import scope_for, scoped
from linli.places.models import Area

from .. import access, activities
from ..activities import ActivityError
from ..forms import (
    ActivityForm,
    CheckinForm,
    ConfirmHoursForm,
)
from ..models import (
    Activity,
    SignUp,
    Team,
    TeamMembership,
)
from .common import _me, _staff_areas, _visible_or_404

# --- activities ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def activity_list(request: AuthenticatedRequest) -> HttpResponse:
    upcoming = request.GET.get("when") != "past"
    now = timezone.now()
    qs = access.visible_activities(request.user).select_related("area", "team", "organiser").annotate(
        taken=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)))
    qs = qs.filter(ends_at__gte=now) if upcoming else qs.filter(ends_at__lt=now)
    context = page_by_start(qs, request, upcoming=upcoming, params={"when": "upcoming" if upcoming else "past"})
    context.update(upcoming=upcoming, can_create=access.may_create_activity(request.user))
    return render(request, "volunteering/activity_list.html", context)


def _activity_or_404(request: HttpRequest, pk: int) -> Activity:
    return _visible_or_404(access.visible_activities(request.user).select_related("area", "team", "organiser"),
                           pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_new(request: AuthenticatedRequest) -> HttpResponse:
    if not access.may_create_activity(request.user):
        raise Http404
    scope = scope_for(request.user)
    led = (Team.objects.filter(active=True, memberships__person_id=request.user.person_id,
                               memberships__is_leader=True, memberships__status=TeamMembership.Status.MEMBER)
           if request.user.person_id else Team.objects.none())
    teams = (scoped(Team.objects.filter(active=True), request.user) if scope.is_staff else Team.objects.none()) | led
    areas = _staff_areas(request.user) | Area.objects.filter(pk__in=led.values("area_id"))
    form = ActivityForm(request.POST or None, areas=areas.distinct(), teams=teams.distinct())
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        team = activity.team
        if team is not None and not access.may_manage_team(request.user, team):
            form.add_error("team", _("You can only organise for a team you lead."))
        else:
            activity.created_by = request.user
            activity.organiser_id = request.user.person_id
            activity.save()
            messages.success(request, _("The activity is published."))
            return redirect("volunteering:activity_detail", pk=activity.pk)
    return render(request, "volunteering/activity_form.html", {"form": form})


@login_required
@require_GET
def activity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    counts = dict(activity.signups.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    own = None
    if request.user.person_id:
        own = activity.signups.filter(person_id=request.user.person_id).exclude(
            status=SignUp.Status.CANCELLED).first()
    position = None
    if own and own.status == SignUp.Status.WAITING:
        position = activity.signups.filter(status=SignUp.Status.WAITING, pk__lte=own.pk).count()
    return render(request, "volunteering/activity_detail.html", {
        "activity": activity, "own": own, "position": position, "organise": access.may_organise(
            request.user, activity),
        "taken": counts.get(SignUp.Status.CONFIRMED, 0), "waiting": counts.get(SignUp.Status.WAITING, 0),
        "open": not activity.cancelled and activity.ends_at > timezone.now()})


@login_required
@require_POST
def activity_signup(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    try:
        signup = activities.sign_up(activity, _me(request))
        if signup.status == SignUp.Status.WAITING:
            messages.info(request, _("The places are taken: you are on the waiting list and will move up if "
                                     "someone cancels."))
        else:
            messages.success(request, _("You are signed up."))
    except ActivityError as exc:
        fail(request, exc)
    return redirect("volunteering:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    signup = activity.signups.filter(person_id=request.user.person_id).exclude(
        status=SignUp.Status.CANCELLED).first() if request.user.person_id else None
    if signup is None:
        messages.error(request, _("You have not signed up for this activity."))
    else:
        try:
            activities.cancel_sign_up(signup)
            messages.success(request, _("Your sign-up is cancelled."))
        except ActivityError as exc:
            fail(request, exc)
    return redirect("volunteering:activity_detail", pk=activity.pk)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@login_required
@require_GET
def activity_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The organiser's screen: the code of this minute and its QR code (htmx refreshes it)."""
    activity = _activity_or_404(request, pk)
    if not access.may_organise(request.user, activity):
        raise Http404
    now = timezone.now()
    code = activities.current_code(activity, now)
    url = request.build_absolute_uri(reverse("volunteering:checkin", args=[activity.pk]) + "?" + urlencode(
        {"code": code}))
    try:
        activities.check_window_open(activity, now)
        closed = ""
    except ActivityError as exc:
        closed = exc.messages[0]
    context = {"activity": activity, "code": code, "qr": _qr_svg(url), "seconds": activities.seconds_left(now),
               "closed": closed}
    template = "volunteering/activity_code_panel.html" if request.htmx else "volunteering/activity_code.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    person = _me(request)
    if request.method == "POST":
        form = CheckinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                signup = activities.check_in_or_out(activity, person, data["code"], lat=data.get("lat"),
                                                    lng=data.get("lng"))
            except ActivityError as exc:
                form.add_error(None, exc)
            else:
                if signup.checked_out_at:
                    messages.success(request, _("Checked out. The organiser will confirm your hours."))
                else:
                    messages.success(request, _("Checked in. Check out here with the code when you leave."))
                return redirect("volunteering:activity_detail", pk=activity.pk)
    else:
        form = CheckinForm(initial={"code": (request.GET.get("code") or "")[:6]})
    own = activity.signups.filter(person=person).exclude(status=SignUp.Status.CANCELLED).first()
    return render(request, "volunteering/checkin.html", {"activity": activity, "form": form, "own": own})


@login_required
@require_GET
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    if not access.may_organise(request.user, activity):
        raise Http404
    signups = list(activity.signups.exclude(status=SignUp.Status.CANCELLED).select_related("person", "record")
                   .order_by("status", "pk")[:1000])
    for s in signups:  # what the template shows beside each sign-up
        computed = activities.service_minutes(activity, s.checked_in_at, s.checked_out_at) \
            if s.checked_in_at and s.checked_out_at else None
        s.computed = computed  # type: ignore[attr-defined]
        s.computed_hours = f"{Decimal(computed) / 60:g}" if computed is not None else ""  # type: ignore[attr-defined]
        s.record_or_none = getattr(s, "record", None) if hasattr(s, "record") else None  # type: ignore[attr-defined]
    return render(request, "volunteering/activity_attendance.html", {
        "activity": activity, "signups": signups, "form": ConfirmHoursForm()})


@login_required
@require_POST
def confirm_hours(request: AuthenticatedRequest, pk: int, signup_id: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    if not access.may_organise(request.user, activity):
        raise Http404
    signup = activity.signups.filter(pk=signup_id).select_related("person", "activity").first()
    if signup is None:
        raise Http404
    form = ConfirmHoursForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    else:
        try:
            record = activities.confirm_hours(signup, request.user, minutes=form.cleaned_data["hours"],
                                              reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s: %(hours)s hours confirmed.") % {
                "name": signup.person.name, "hours": f"{record.hours:g}"})
        except ActivityError as exc:
            fail(request, exc)
    return redirect("volunteering:attendance", pk=activity.pk)
