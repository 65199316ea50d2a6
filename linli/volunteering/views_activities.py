"""Pages for teams, activities, check-in, service records, certificates, micro-wishes, honours and pledges.

Views stay thin: the rules live in ``activities``, ``certificates``, ``wishes`` and ``honours``.  Every list
and detail goes through the scope filter (or, for what residents may join, their neighbourhood); an id
outside answers 404.  Lists page by key (``?after=<id>``), never by offset.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.paging import page_by_id, parse_key
from linli.core.scope import get_scoped_or_404, scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel, PartnerUnit

from . import activities, certificates, honours, wishes
from .activities import ActivityError
from .forms import (
    ActivityForm,
    CertificateForm,
    CheckinForm,
    ConfirmHoursForm,
    CorrectionRequestForm,
    DecideForm,
    FollowUpForm,
    FulfilForm,
    HonourForm,
    PledgeForm,
    RejectForm,
    WishForm,
)
from .models import (
    Activity,
    Certificate,
    Honour,
    Pledge,
    PledgeFollowUp,
    RecordCorrection,
    ServiceRecord,
    SignUp,
    Team,
    TeamMembership,
    Wish,
)

PAGE = 30


# --- helpers -----------------------------------------------------------------------------------------------

def _page(qs, request: HttpRequest, params: dict | None = None) -> dict:
    """Newest first by id, a page at a time (``?after=<id>``: rows with a smaller id)."""
    after = request.GET.get("after")
    items, next_key = page_by_id(qs, after, PAGE)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    next_url = "?" + urlencode({**params, "after": next_key}) if next_key else None
    return {"items": items, "next_url": next_url,
            "first_url": ("?" + urlencode(params)) if parse_key(after) else None}


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _staff_areas(user):
    """Streets and communities (and grids) the user is staff over, for the forms' choices."""
    scope = scope_for(user)
    if not scope.is_staff:
        return Area.objects.none()
    qs = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
    if not scope.everything:
        qs = qs.filter(Area.scope_q(scope))
    return qs.order_by("code")


def _resolve_person(user, data: dict) -> Person | None:
    """The person chosen on a staff form, by id or by mobile number, within the user's scope."""
    people = scoped(Person.objects.select_related("area"), user)
    if data.get("person"):
        return people.filter(pk=data["person"]).first()
    if data.get("mobile"):
        return people.filter(mobile=data["mobile"]).order_by("pk").first()
    return None


def _me(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


# --- teams ---------------------------------------------------------------------------------------------------

@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    qs = activities.visible_teams(request.user).filter(active=True).select_related("area").annotate(
        members=Count("memberships", filter=Q(memberships__status=TeamMembership.Status.MEMBER)))
    mine = set()
    if request.user.person_id:
        mine = set(TeamMembership.objects.filter(person_id=request.user.person_id, status__in=[
            TeamMembership.Status.MEMBER, TeamMembership.Status.REQUESTED]).values_list("team_id", flat=True))
    return render(request, "volunteering/team_list.html", {**_page(qs, request), "mine": mine})


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(activities.visible_teams(request.user).select_related("area"), pk)
    manage = activities.may_manage_team(request.user, team)
    members = list(team.memberships.filter(status=TeamMembership.Status.MEMBER).select_related("person")
                   .order_by("-is_leader", "pk")[:200])
    requests_ = list(team.memberships.filter(status=TeamMembership.Status.REQUESTED).select_related("person")
                     .order_by("pk")[:100]) if manage else []
    own = None
    if request.user.person_id:
        own = team.memberships.filter(person_id=request.user.person_id, status__in=[
            TeamMembership.Status.MEMBER, TeamMembership.Status.REQUESTED]).first()
    upcoming = list(team.activities.filter(ends_at__gte=timezone.now(), cancelled=False).order_by("starts_at")[:10])
    return render(request, "volunteering/team_detail.html", {
        "team": team, "members": members, "requests": requests_, "manage": manage, "own": own,
        "member_count": team.memberships.filter(status=TeamMembership.Status.MEMBER).count(), "upcoming": upcoming})


def _visible_or_404(qs, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@login_required
@require_POST
def team_join(request: HttpRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(activities.visible_teams(request.user), pk)
    try:
        activities.request_to_join(team, _me(request))
        messages.success(request, _("Your request has been sent to the team's leaders."))
    except ActivityError as exc:
        _fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)


@login_required
@require_POST
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    team = _visible_or_404(activities.visible_teams(request.user), pk)
    try:
        activities.leave_team(team, _me(request))
        messages.success(request, _("You have left the team."))
    except ActivityError as exc:
        _fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)


@login_required
@require_POST
def team_decide(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    team = _visible_or_404(activities.visible_teams(request.user), pk)
    membership = team.memberships.filter(pk=membership_id).select_related("team", "person").first()
    if membership is None or not activities.may_manage_team(request.user, team):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose approve or decline."))
    else:
        try:
            activities.decide_membership(membership, request.user, approve=decision == "approve")
            messages.success(request, _("%(name)s: %(status)s") % {
                "name": membership.person.name, "status": membership.get_status_display()})
        except ActivityError as exc:
            _fail(request, exc)
    return redirect("volunteering:team_detail", pk=team.pk)


# --- activities ---------------------------------------------------------------------------------------------

def _activity_page(qs, request: HttpRequest, upcoming: bool) -> dict:
    """Upcoming soonest first, past newest first; keyset on (start, id) as ``?after=<iso>_<id>``."""
    order = ("starts_at", "pk") if upcoming else ("-starts_at", "-pk")
    cursor = request.GET.get("after", "")
    when, _sep, last_id = cursor.rpartition("_")
    try:
        at = parse_datetime(when) if when else None
    except ValueError:  # well formed but not a real date
        at = None
    last = parse_key(last_id)
    if at is not None and last is not None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        qs = qs.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=last)) if upcoming else \
            qs.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=last))
    rows = list(qs.order_by(*order)[: PAGE + 1])
    items = rows[:PAGE]
    params = {"when": "upcoming" if upcoming else "past"}
    next_url = None
    if len(rows) > PAGE:
        last_row = items[-1]
        next_url = "?" + urlencode({**params, "after": f"{last_row.starts_at.isoformat()}_{last_row.pk}"})
    return {"items": items, "next_url": next_url, "first_url": "?" + urlencode(params) if cursor else None}


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    upcoming = request.GET.get("when") != "past"
    now = timezone.now()
    qs = activities.visible_activities(request.user).select_related("area", "team", "organiser").annotate(
        taken=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)))
    qs = qs.filter(ends_at__gte=now) if upcoming else qs.filter(ends_at__lt=now)
    context = _activity_page(qs, request, upcoming)
    context.update(upcoming=upcoming, can_create=activities.may_create_activity(request.user))
    return render(request, "volunteering/activity_list.html", context)


def _activity_or_404(request: HttpRequest, pk: int) -> Activity:
    return _visible_or_404(activities.visible_activities(request.user).select_related("area", "team", "organiser"),
                           pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    if not activities.may_create_activity(request.user):
        raise Http404
    scope = scope_for(request.user)
    led = Team.objects.filter(active=True, memberships__person_id=request.user.person_id,
                              memberships__is_leader=True, memberships__status=TeamMembership.Status.MEMBER)
    teams = (scoped(Team.objects.filter(active=True), request.user) if scope.is_staff else Team.objects.none()) | led
    areas = _staff_areas(request.user) | Area.objects.filter(pk__in=led.values("area_id"))
    form = ActivityForm(request.POST or None, areas=areas.distinct(), teams=teams.distinct())
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        team = activity.team
        if team is not None and not activities.may_manage_team(request.user, team):
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
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        "activity": activity, "own": own, "position": position, "organise": activities.may_organise(
            request.user, activity),
        "taken": counts.get(SignUp.Status.CONFIRMED, 0), "waiting": counts.get(SignUp.Status.WAITING, 0),
        "open": not activity.cancelled and activity.ends_at > timezone.now()})


@login_required
@require_POST
def activity_signup(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    try:
        signup = activities.sign_up(activity, _me(request))
        if signup.status == SignUp.Status.WAITING:
            messages.info(request, _("The places are taken: you are on the waiting list and will move up if "
                                     "someone cancels."))
        else:
            messages.success(request, _("You are signed up."))
    except ActivityError as exc:
        _fail(request, exc)
    return redirect("volunteering:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
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
            _fail(request, exc)
    return redirect("volunteering:activity_detail", pk=activity.pk)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@login_required
@require_GET
def activity_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's screen: the code of this minute and its QR code (htmx refreshes it)."""
    activity = _activity_or_404(request, pk)
    if not activities.may_organise(request.user, activity):
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
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
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
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    if not activities.may_organise(request.user, activity):
        raise Http404
    signups = list(activity.signups.exclude(status=SignUp.Status.CANCELLED).select_related("person", "record")
                   .order_by("status", "pk")[:1000])
    for s in signups:
        s.computed = activities.service_minutes(activity, s.checked_in_at, s.checked_out_at) \
            if s.checked_in_at and s.checked_out_at else None
        s.computed_hours = f"{Decimal(s.computed) / 60:g}" if s.computed is not None else ""
        s.record_or_none = getattr(s, "record", None) if hasattr(s, "record") else None
    return render(request, "volunteering/activity_attendance.html", {
        "activity": activity, "signups": signups, "form": ConfirmHoursForm()})


@login_required
@require_POST
def confirm_hours(request: HttpRequest, pk: int, signup_id: int) -> HttpResponse:
    activity = _activity_or_404(request, pk)
    if not activities.may_organise(request.user, activity):
        raise Http404
    signup = activity.signups.filter(pk=signup_id).select_related("person", "activity").first()
    if signup is None:
        raise Http404
    form = ConfirmHoursForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        try:
            record = activities.confirm_hours(signup, request.user, minutes=form.cleaned_data["hours"],
                                              reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s: %(hours)s hours confirmed.") % {
                "name": signup.person.name, "hours": f"{record.hours:g}"})
        except ActivityError as exc:
            _fail(request, exc)
    return redirect("volunteering:attendance", pk=activity.pk)


# --- service records -------------------------------------------------------------------------------------------

@login_required
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    qs = activities.records_in_scope(request.user).select_related("volunteer", "area")
    volunteer = None
    if (vid := parse_key(request.GET.get("volunteer"))) and scope.is_staff:
        volunteer = scoped(Person.objects.all(), request.user).filter(pk=vid).first()
        if volunteer is None:
            raise Http404
        qs = qs.filter(volunteer=volunteer)
    elif not scope.is_staff:
        qs = qs.filter(volunteer_id=request.user.person_id)
    confirmed = qs.filter(status=ServiceRecord.Status.CONFIRMED)
    total = confirmed.aggregate(n=Coalesce(Sum("minutes"), 0))["n"]
    pending_corrections = list(activities.corrections_visible(request.user).filter(
        status=RecordCorrection.Status.PENDING).exclude(record__volunteer_id=request.user.person_id)
        .select_related("record__volunteer").order_by("pk")[:50])
    context = _page(qs, request, {"volunteer": volunteer.pk if volunteer else None})
    context.update(volunteer=volunteer, total_hours=total / 60, staff=scope.is_staff,
                   corrections=pending_corrections)
    return render(request, "volunteering/records.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible_or_404(activities.records_visible(request.user).select_related(
        "volunteer", "area", "activity", "team", "recorded_by__person", "confirmed_by"), pk)
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activities.request_correction(record, request.user, minutes=form.cleaned_data["hours"],
                                          reason=form.cleaned_data["reason"])
            messages.success(request, _("Your request has been sent to the organiser."))
            return redirect("volunteering:record_detail", pk=record.pk)
        except ActivityError as exc:
            form.add_error(None, exc)
    corrections = list(record.corrections.select_related("requested_by", "decided_by").order_by("pk"))
    return render(request, "volunteering/records_detail.html", {
        "record": record, "form": form, "corrections": corrections,
        "may_request": record.volunteer_id == request.user.person_id
        and record.status == ServiceRecord.Status.CONFIRMED,
        "may_decide": activities.may_decide_record(request.user, record), "decide_form": DecideForm()})


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    correction = _visible_or_404(activities.corrections_visible(request.user).select_related("record__activity"), pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
    else:
        try:
            activities.decide_correction(correction, request.user, accept=form.cleaned_data["decision"] == "accept",
                                         note=form.cleaned_data["note"])
            messages.success(request, _("The decision is recorded."))
        except ActivityError as exc:
            _fail(request, exc)
    return redirect("volunteering:record_detail", pk=correction.record_id)


# --- certificates --------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_new(request: HttpRequest) -> HttpResponse:
    areas = _staff_areas(request.user)
    if not scope_for(request.user).is_staff:
        raise Http404
    initial = {"person": parse_key(request.GET.get("person")), "date_to": timezone.localdate(),
               "date_from": timezone.localdate().replace(month=1, day=1)}
    form = CertificateForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _resolve_person(request.user, data)
        if person is None:
            form.add_error("mobile", _("No person with this mobile number in your area."))
        else:
            try:
                cert = certificates.issue(person, data["area"], data["date_from"], data["date_to"], request.user,
                                          issuer_name=data["issuer_name"])
                return redirect("volunteering:certificate", number=cert.number)
            except ActivityError as exc:
                form.add_error(None, exc)
    chosen = scoped(Person.objects.all(), request.user).filter(pk=initial["person"]).first() \
        if initial["person"] else None
    return render(request, "volunteering/certificate_form.html", {"form": form, "chosen": chosen})


@login_required
@require_GET
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The printable certificate; staff reach any number in their scope to verify it."""
    cert = get_scoped_or_404(Certificate.objects.select_related("volunteer", "area", "issued_by"), request.user,
                             number=number[:20])
    records = list(cert.records.select_related("area").order_by("started_at", "pk"))
    return render(request, "volunteering/certificate.html", {
        "cert": cert, "records": records, "total_hours": cert.total_minutes / 60})


# --- micro-wishes ------------------------------------------------------------------------------------------------

@login_required
@require_GET
def wish_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = wishes.visible_wishes(request.user).select_related("area")
    if status in Wish.Status.values:
        qs = qs.filter(status=status)
    context = _page(qs, request, {"status": status})
    context.update(status=status, statuses=Wish.Status.choices)
    return render(request, "volunteering/wish_list.html", context)


@require_GET
def wish_public(request: HttpRequest) -> HttpResponse:
    """The public wish wall: the wish, its area and state; never a name or detail."""
    qs = wishes.public_wishes().select_related("area").only("pk", "title", "status", "created_at", "area__name")
    return render(request, "volunteering/wish_public.html", _page(qs, request))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    staff = scope_for(request.user).is_staff
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wisher = None
        if staff and (data.get("mobile") or data.get("person")):
            wisher = _resolve_person(request.user, data)
            if wisher is None:
                form.add_error("mobile", _("No person with this mobile number in your area."))
        if not form.errors:
            try:
                wish = wishes.post_wish(request.user, title=data["title"], description=data["description"],
                                        wisher=wisher, by_phone=staff and data["by_phone"])
                messages.success(request, _("The wish is posted; staff will review it."))
                return redirect("volunteering:wish_detail", pk=wish.pk)
            except ActivityError as exc:
                form.add_error(None, exc)
    return render(request, "volunteering/wish_form.html", {"form": form, "staff": staff})


def _wish_or_404(request: HttpRequest, pk: int) -> Wish:
    return _visible_or_404(wishes.visible_wishes(request.user).select_related(
        "area", "wisher", "claimed_by", "claimed_partner"), pk)


@login_required
@require_GET
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish_or_404(request, pk)
    user = request.user
    staff = activities.covers(user, wish.area)
    partners = list(PartnerUnit.objects.filter(pk__in=scope_for(user).partner_ids)) if scope_for(
        user).partner_ids else []
    return render(request, "volunteering/wish_detail.html", {
        "wish": wish, "staff": staff, "partners": partners,
        "see_person": staff or wish.wisher_id == user.person_id,
        "may_claim": wish.status == Wish.Status.APPROVED and wish.wisher_id != user.person_id,
        "may_fulfil": wish.status == Wish.Status.CLAIMED and wishes.is_claimer(user, wish),
        "may_confirm": wish.status == Wish.Status.FULFILLED and wishes.may_confirm(user, wish),
        "fulfil_form": FulfilForm(), "reject_form": RejectForm()})


@login_required
@require_POST
def wish_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    wish = _wish_or_404(request, pk)
    user = request.user
    try:
        if action == "approve":
            wishes.approve(wish, user)
            messages.success(request, _("The wish is open to claim."))
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ActivityError(_("Say why the wish is not approved."))
            wishes.reject(wish, user, form.cleaned_data["reason"])
            messages.success(request, _("The wish is not approved."))
        elif action == "claim":
            partner = None
            if pid := parse_key(request.POST.get("partner")):
                partner = PartnerUnit.objects.filter(pk=pid).first()
                if partner is None:
                    raise Http404
            wishes.claim(wish, user, partner)
            messages.success(request, _("You have claimed the wish. Thank you!"))
        elif action == "fulfil":
            form = FulfilForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ActivityError(_("Add a photo of the fulfilled wish."))
            wishes.fulfil(wish, user, form.cleaned_data["photo"], form.cleaned_data["note"])
            messages.success(request, _("Reported fulfilled; waiting for confirmation."))
        elif action == "confirm":
            wishes.confirm(wish, user)
            messages.success(request, _("Confirmed. Thank you to everyone who helped."))
        else:
            raise Http404
    except ActivityError as exc:
        _fail(request, exc)
    return redirect("volunteering:wish_detail", pk=wish.pk)


@login_required
@require_GET
def wish_photo(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish_or_404(request, pk)
    if not wish.photo:
        raise Http404
    try:
        handle = wish.photo.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- honours and pledges ------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def honour_list(request: HttpRequest) -> HttpResponse:
    staff = scope_for(request.user).is_staff
    level = request.GET.get("level", "")
    qs = scoped(Honour.objects.select_related("person"), request.user)
    if level in Honour.Level.values:
        qs = qs.filter(level=level)
    form = HonourForm(request.POST or None, initial={"person": parse_key(request.GET.get("person"))}) if staff else None
    if request.method == "POST":
        if not staff:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            person = _resolve_person(request.user, data)
            if person is None:
                form.add_error("mobile", _("No person with this mobile number in your area."))
            else:
                try:
                    honours.add_honour(request.user, person, title=data["title"], level=data["level"],
                                       awarded_on=data["awarded_on"], awarded_by=data["awarded_by"],
                                       citation=data["citation"])
                    messages.success(request, _("The honour is recorded."))
                    return redirect("volunteering:honour_list")
                except ActivityError as exc:
                    form.add_error(None, exc)
    context = _page(qs, request, {"level": level})
    context.update(form=form, level=level, levels=Honour.Level.choices)
    return render(request, "volunteering/honour_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = scoped(Pledge.objects.select_related("person", "area"), request.user)
    if status in Pledge.Status.values:
        qs = qs.filter(status=status)
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _resolve_person(request.user, data) if (data.get("mobile") or data.get("person")) \
            else getattr(request.user, "person", None)
        if person is None:
            form.add_error("mobile", _("No person with this mobile number in your area."))
        else:
            try:
                pledge = honours.make_pledge(request.user, person, text=data["text"], pledged_on=data["pledged_on"],
                                             due_on=data.get("due_on"))
                messages.success(request, _("The pledge is recorded."))
                return redirect("volunteering:pledge_detail", pk=pledge.pk)
            except ActivityError as exc:
                form.add_error(None, exc)
    counts = dict(scoped(Pledge.objects.all(), request.user).values_list("status").annotate(n=Count("pk"))
                  .values_list("status", "n"))
    context = _page(qs, request, {"status": status})
    context.update(form=form, status=status, statuses=Pledge.Status.choices,
                   counts=[(label, counts.get(value, 0)) for value, label in Pledge.Status.choices],
                   staff=scope_for(request.user).is_staff)
    return render(request, "volunteering/pledge_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_scoped_or_404(Pledge.objects.select_related("person", "area").prefetch_related(
        Prefetch("follow_ups", queryset=PledgeFollowUp.objects.select_related("by").order_by("date", "pk"))),
        request.user, pk=pk)
    may = honours.may_follow(request.user, pledge)
    form = FollowUpForm(request.POST or None) if may else None
    if request.method == "POST":
        if not may:
            raise Http404
        if form.is_valid():
            try:
                honours.follow_up(pledge, request.user, **form.cleaned_data)
                messages.success(request, _("The follow-up is recorded."))
                return redirect("volunteering:pledge_detail", pk=pledge.pk)
            except ActivityError as exc:
                form.add_error(None, exc)
    return render(request, "volunteering/pledge_detail.html", {
        "pledge": pledge, "form": form, "open": pledge.status in (Pledge.Status.PLEDGED, Pledge.Status.IN_PROGRESS)})
