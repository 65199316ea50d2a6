"""Meeting pages: series, meetings and their agendas, sign-in, minutes, votes, accountability, calendars.

Views stay thin: the rules live in ``services`` and the figures in ``accountability``.  Every page goes
through the scope filter; an id outside it answers 404.  Lists page by key, never by offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.cases.models import Case
from linli.core.codes import code_range
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_by_id, parse_key
from linli.core.scope import get_scoped_or_404, scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

from . import accountability, exports, ical, services
from .forms import (
    CallForm,
    CancelForm,
    CodeForm,
    FreeItemForm,
    MotionForm,
    MoveForm,
    OutcomeForm,
    OwnVoteForm,
    PeriodForm,
    PersonByMobileForm,
    PromoteForm,
    SeriesForm,
    TopicForm,
    VotesForm,
)
from .models import AgendaItem, Attendance, ItemEvent, Meeting, MeetingStatus, Motion, Series, Vote, VoteChoice

PAGE = 30


# --- helpers

def _fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _message(done: str | Callable[[Any], str], result: Any) -> str:
    return done(result) if callable(done) else done


def _handle(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], *,
            then: Callable[[Any], str], done: str | Callable[[Any], str] = "", denied: str = "") -> HttpResponse | None:
    """A form page's POST: when ``form`` is valid, ``action(cleaned_data)`` runs, the user is told ``done`` (a
    text, or made from the action's result) and redirected to ``then(result)``.  A refusal (``ValidationError``)
    goes onto the form; ``PermissionDenied`` onto the field ``denied`` (none: 404).  ``None`` means: render the
    page (a GET, or the form with its errors); nothing has changed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except PermissionDenied as exc:
        if not denied:
            raise Http404 from None
        form.add_error(denied, str(exc))
        return None
    if message := _message(done, result):
        messages.success(request, message)
    return redirect(then(result))


def _act(request: HttpRequest, form: forms.Form | None, action: Callable[[dict[str, Any]], Any], *, back: str,
         done: str | Callable[[Any], str] = "", then: Callable[[Any], str] | None = None) -> HttpResponse:
    """A POST-only action: validate ``form`` (``None``: nothing to validate), run ``action(cleaned_data)``, tell
    ``done`` and go to ``then(result)`` (or ``back``).  The form's errors and any refusal (``ValidationError``)
    become error messages, nothing changes, and the user is sent back to ``back``."""
    try:
        if form is not None and not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        result = action(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        _fail(request, exc)
        return redirect(back)
    if message := _message(done, result):
        messages.success(request, message)
    return redirect(then(result) if then is not None else back)


def _page(qs, request: HttpRequest, params: dict | None = None, size: int = PAGE) -> dict:
    after = request.GET.get("after")
    items, next_key = page_by_id(qs, after, size)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return {"items": items, "next_url": "?" + urlencode({**params, "after": next_key}) if next_key else None,
            "first_url": ("?" + urlencode(params)) if parse_key(after) else None}


def _by_start(qs, request: HttpRequest, *, upcoming: bool, params: dict, size: int = PAGE) -> dict:
    """Coming meetings soonest first, past ones newest first; keyset on (start, id): ``?after=<iso>_<id>``."""
    cursor = request.GET.get("after", "")
    when, _sep, last_id = cursor.rpartition("_")
    try:
        at = parse_datetime(when) if when else None
    except ValueError:
        at = None
    last = parse_key(last_id)
    if at is not None and last is not None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        qs = (qs.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=last)) if upcoming
              else qs.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=last)))
    rows = list(qs.order_by(*(("starts_at", "pk") if upcoming else ("-starts_at", "-pk")))[: size + 1])
    items = rows[:size]
    next_url = None
    if len(rows) > size:
        tail = items[-1]
        next_url = "?" + urlencode({**params, "after": f"{tail.starts_at.isoformat()}_{tail.pk}"})
    return {"items": items, "next_url": next_url, "first_url": "?" + urlencode(params) if cursor else None}


def _series_or_404(request: HttpRequest, pk: int) -> Series:
    return get_scoped_or_404(Series.objects.select_related("kind", "area", "escalates_to"), request.user, pk=pk)


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    return get_scoped_or_404(Meeting.objects.select_related("series__kind", "series__area", "area"),
                             request.user, pk=pk)


def _series_url(series: Series) -> str:
    return reverse("meetings:series_detail", args=[series.pk])


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def _item_url(item: AgendaItem) -> str:
    return _meeting_url(item.meeting) + f"#item-{item.pk}"


def _run_or_404(request: HttpRequest, series: Series) -> None:
    if not services.may_run(request.user, series):
        raise Http404


def _meeting_to_run(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, for those who run its series (anyone else: 404)."""
    meeting = _meeting_or_404(request, pk)
    _run_or_404(request, meeting.series)
    return meeting


def _person_by_mobile(user, mobile: str) -> Person | None:
    return scoped(Person.objects.all(), user).filter(mobile=mobile).order_by("pk").first()


# --- home of the app

@login_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Coming meetings the user may join or propose topics to; staff also see their series."""
    now = timezone.now()
    qs = (services.visible_meetings(request.user).filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
          .select_related("series__kind", "area"))
    context = _by_start(qs, request, upcoming=True, params={})
    scope = scope_for(request.user)
    context.update(staff=scope.is_staff or bool(services.host_areas(request.user).exists()))
    return render(request, "meetings/index.html", context)


@login_required
@require_GET
def series_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = scoped(Series.objects.select_related("kind", "area"), request.user).filter(active=True)
    context = _page(qs, request)
    context["figures"] = accountability.figures_by_series([s.pk for s in context["items"]])
    for s in context["items"]:
        s.figures = context["figures"][s.pk]
    context["may_create"] = services.host_areas(request.user).exists()
    return render(request, "meetings/series_list.html", context)


def _members(user, numbers: list[str]) -> list[Person]:
    people = []
    for number in numbers:
        person = _person_by_mobile(user, number)
        if person is None:
            raise ValidationError({"members": _("No person with the mobile number %(mobile)s in your area.") % {
                "mobile": number}})
        people.append(person)
    return people


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def series_new(request: AuthenticatedRequest) -> HttpResponse:
    areas = services.host_areas(request.user)
    if not areas.exists():
        raise Http404
    higher = Series.objects.filter(active=True).select_related("area").order_by("area__code", "name")
    form = SeriesForm(request.POST or None, areas=areas, higher=higher)

    def create(data: dict[str, Any]) -> Series:
        return services.create_series(
            request.user, kind=data["kind"], name=data["name"], area=data["area"], place=data["place"],
            recurrence=data["recurrence"], day_of_month=data["day_of_month"], weekday=data["weekday"],
            start_time=data["start_time"], duration_minutes=data["duration_minutes"],
            members=_members(request.user, data["members"]), departments=data["departments"],
            partners=data["partners"], escalates_to=data["escalates_to"], quorum=data["quorum"])

    return _handle(request, form, create, then=_series_url, denied="area",
                   done=_("The series is set up and its coming meetings are scheduled.")) or render(
        request, "meetings/series_form.html", {"form": form})


@login_required
@require_GET
def series_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = _series_or_404(request, pk)
    now = timezone.now()
    coming = list(series.meetings.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
                  .annotate(n_items=Count("items")).order_by("starts_at", "pk")[:6])
    past = _by_start(series.meetings.filter(ends_at__lt=now).annotate(n_items=Count("items")), request,
                     upcoming=False, params={})
    return render(request, "meetings/series_detail.html", {
        "series": series, "coming": coming, **past, "figures": accountability.figures(series),
        "run": services.may_run(request.user, series), "member_count": series.members.count(),
        "departments": list(series.departments.order_by("name")[:50]),
        "partners": list(series.partners.order_by("kind", "name")[:50]), "call_form": CallForm()})


@login_required
@require_POST
def series_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = _series_or_404(request, pk)
    _run_or_404(request, series)
    return _act(request, None, lambda _d: services.generate(series), back=_series_url(series),
                done=lambda made: _("%(n)d coming meetings scheduled.") % {"n": len(made)})


@login_required
@require_POST
def series_call(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = _series_or_404(request, pk)
    _run_or_404(request, series)
    return _act(request, CallForm(request.POST), lambda data: services.call_meeting(request.user, series, **data),
                back=_series_url(series), then=_meeting_url,
                done=_("The meeting is called; the members are invited."))


@login_required
@require_GET
def series_ical(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = _series_or_404(request, pk)
    body = ical.calendar(ical.feed_window(series.meetings.all()), series.name, request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="series-{series.pk}.ics"'
    return response


@login_required
@require_GET
def series_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = _series_or_404(request, pk)
    _run_or_404(request, series)
    body = exports.series_items_xlsx(series, exports.export_queryset(series))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="series-{series.pk}-items.xlsx"'
    return response


# --- one meeting

def _items(meeting: Meeting) -> list[AgendaItem]:
    items = list(meeting.items.select_related(
        "raised_by", "case__handler_area", "case__handler_department", "case__category", "category",
        "handler_department", "carried_from__meeting").prefetch_related(
        Prefetch("carried_to", queryset=AgendaItem.objects.select_related("meeting__series")))
        .order_by("position", "pk")[: services.MAX_ITEMS_PER_MEETING])
    accountability.attach_state(items)
    return items


def _motions(meeting: Meeting) -> list[Motion]:
    return list(meeting.motions.prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("person")))
                .order_by("pk"))


@login_required
@require_GET
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    run = services.may_run(request.user, meeting.series)
    open_ = meeting.status == MeetingStatus.SCHEDULED
    candidates = services.open_cases_for(request.user, meeting) if run and open_ else []
    motions = _motions(meeting)
    return render(request, "meetings/meeting_detail.html", {
        "candidates": candidates,
        "meeting": meeting, "series": meeting.series, "items": _items(meeting), "motions": motions,
        "present": services.present_count(meeting), "invited": meeting.attendances.filter(invited=True).count(),
        "run": run, "open": open_, "may_propose": open_ and services.may_propose(request.user, meeting),
        "voter": open_ and any(m.closed_at is None for m in motions) and services.is_voter(request.user, meeting),
        "move_form": MoveForm(), "cancel_form": CancelForm(), "item_form": FreeItemForm(),
        "promote_form": PromoteForm(), "motion_form": MotionForm()})


@login_required
@require_POST
def meeting_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    return _act(request, MoveForm(request.POST), lambda data: services.move_meeting(request.user, meeting, **data),
                back=_meeting_url(meeting), done=_("The meeting is moved; the attendees are told."))


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    return _act(request, CancelForm(request.POST),
                lambda data: services.cancel_meeting(request.user, meeting, reason=data["reason"]),
                back=_meeting_url(meeting),
                done=_("The meeting is cancelled; the attendees are told and open items moved on."))


@login_required
@require_POST
def meeting_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    return _act(request, None, lambda _d: services.close_minutes(request.user, meeting), back=_meeting_url(meeting),
                done=_("The minutes are closed."))


@login_required
@require_GET
def minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Printable minutes (A4)."""
    meeting = _meeting_or_404(request, pk)
    attendees = list(meeting.attendances.filter(signed_in_at__isnull=False).select_related("person")
                     .order_by("signed_in_at", "pk")[:500])
    return render(request, "meetings/minutes.html", {
        "meeting": meeting, "series": meeting.series, "items": _items(meeting), "motions": _motions(meeting),
        "attendees": attendees, "present": len(attendees),
        "departments": list(meeting.series.departments.order_by("name")[:50])})


# --- the agenda

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A topic from a phone: residents, riders, building heads and grid workers."""
    meeting = services.visible_meetings(request.user).select_related("series", "area").filter(pk=pk).first()
    if meeting is None or not services.may_propose(request.user, meeting):
        raise Http404
    form = TopicForm(request.POST or None)
    return _handle(request, form, lambda data: services.propose_topic(request.user, meeting, **data),
                   then=lambda _item: reverse("meetings:mine"),
                   done=_("Your topic is on the agenda of %(meeting)s. You will be told the outcome.") % {
                       "meeting": meeting.title}) or render(request, "meetings/propose.html",
                                                            {"meeting": meeting, "form": form})


@login_required
@require_POST
def item_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    return _act(request, FreeItemForm(request.POST), lambda data: services.add_item(request.user, meeting, **data),
                back=_meeting_url(meeting), done=_("The item is on the agenda."))


@login_required
@require_POST
def item_promote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)

    def promote(data: dict[str, Any]) -> AgendaItem:
        case = scoped(Case.objects.select_related("category", "reporter__person", "area"), request.user).filter(
            number=data["number"]).first()
        if case is None:
            raise ValidationError(_("No such case in your area."))
        return services.promote_case(request.user, meeting, case)

    return _act(request, PromoteForm(request.POST), promote, back=_meeting_url(meeting),
                done=lambda item: _("Case %(number)s is on the agenda.") % {"number": item.case.number})


def _item_or_404(request: HttpRequest, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__series__area", "meeting__area", "case", "raised_by").filter(
        pk=pk, meeting__in=scoped(Meeting.objects.all(), request.user)).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_POST
def item_move(request: AuthenticatedRequest, pk: int, direction: str) -> HttpResponse:
    item = _item_or_404(request, pk)
    _run_or_404(request, item.meeting.series)
    return _act(request, None, lambda _d: services.move_item(request.user, item, direction), back=_item_url(item))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the item's one outcome (phone friendly: the minute-taker at the table)."""
    item = _item_or_404(request, pk)
    _run_or_404(request, item.meeting.series)
    form = OutcomeForm(request.POST or None, request.FILES or None,
                       departments=services.handler_departments(item.meeting),
                       targets=services.escalation_targets(item))
    done = _handle(request, form, lambda data: services.record_outcome(
        request.user, item, outcome=data["outcome"], summary=data["summary"], note=data["note"],
        deadline=data["deadline"], level=data["level"], department=data["department"], category=data["category"],
        target=data["target"], photo=data["photo"]), then=_item_url, done=_("The outcome is recorded."))
    if done:
        return done
    events = list(ItemEvent.objects.filter(item=item).select_related("actor").order_by("at", "pk")[:50])
    return render(request, "meetings/item_outcome.html", {"item": item, "meeting": item.meeting, "form": form,
                                                          "events": events})


# --- sign-in

def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@login_required
@require_GET
def meeting_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The screen at the meeting: this minute's sign-in code and its QR code (htmx refreshes it)."""
    meeting = _meeting_to_run(request, pk)
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
    done = _handle(request, form, lambda data: services.sign_in(meeting, person, data["code"]),
                   then=lambda _a: _meeting_url(meeting), done=_("You are signed in. Thank you for taking part."))
    if done:
        return done
    own = Attendance.objects.filter(meeting=meeting, person=person, signed_in_at__isnull=False).first()
    return render(request, "meetings/signin.html", {"meeting": meeting, "form": form, "own": own})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    form = PersonByMobileForm(request.POST or None)

    def record(data: dict[str, Any]) -> str:
        person = _person_by_mobile(request.user, data["mobile"])
        if person is None:
            raise ValidationError({"mobile": _("No person with this mobile number in your area.")})
        if request.POST.get("action") == "invite":
            services.invite(request.user, meeting, person)
            return _("%(name)s is invited.") % {"name": person.name}
        services.mark_present(request.user, meeting, person)
        return _("%(name)s is signed in.") % {"name": person.name}

    done = _handle(request, form, record, done=str,  # ``record`` says what it did
                   then=lambda _m: reverse("meetings:attendance", args=[meeting.pk]))
    if done:
        return done
    rows = list(meeting.attendances.select_related("person").order_by("signed_in_at", "pk")[:500])
    return render(request, "meetings/attendance.html", {
        "meeting": meeting, "rows": rows, "form": form, "present": sum(1 for r in rows if r.signed_in_at)})


# --- motions

@login_required
@require_POST
def motion_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk)
    return _act(request, MotionForm(request.POST), lambda data: services.put_motion(request.user, meeting, **data),
                back=_meeting_url(meeting), then=lambda motion: reverse("meetings:motion", args=[motion.pk]))


def _motion_or_404(request: HttpRequest, pk: int) -> Motion:
    motion = Motion.objects.select_related("meeting__series").filter(
        pk=pk, meeting__in=scoped(Meeting.objects.all(), request.user)).first()
    if motion is None:
        raise Http404
    return motion


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def motion(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The host's page of a vote: the count so far (refreshed), votes recorded for members without a phone,
    closing.  Members present vote on their own phones (``motion_vote``); their votes are final."""
    motion = _motion_or_404(request, pk)
    meeting = motion.meeting
    run = services.may_run(request.user, meeting.series)
    if request.method == "POST" and not run:
        raise Http404
    here = reverse("meetings:motion", args=[motion.pk])
    if request.method == "POST" and request.POST.get("action") == "close":
        return _act(request, None, lambda _d: services.close_motion(request.user, motion), back=here,
                    then=lambda _m: _meeting_url(meeting),
                    done=lambda closed: _("The vote is closed: %(result)s.") % {"result": closed.get_result_display()})
    votes = list(motion.votes.all())
    own = {v.person_id for v in votes if v.own}
    voters = [p for p in services.voters(meeting)[:500] if p.pk not in own]
    form = VotesForm(request.POST or None, voters=voters,
                     initial={f"p{v.person_id}": v.choice for v in votes if not v.own})
    done = _handle(request, form, lambda _d: services.cast_votes(request.user, motion, form.choices()),
                   then=lambda _n: here, done=lambda n: _("%(n)d votes recorded.") % {"n": n})
    if done:
        return done
    context = {"motion": motion, "meeting": meeting, "form": form, "run": run, "tally": services.vote_counts(motion),
               "own_count": len(own)}
    return render(request, "meetings/motion_count.html" if request.htmx else "meetings/motion.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def motion_vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A member present votes on their own phone, once; anyone else who sees the meeting is told why not."""
    motion = _motion_or_404(request, pk)
    here = reverse("meetings:motion_vote", args=[motion.pk])
    form = OwnVoteForm(request.POST or None)
    done = _handle(request, form, lambda data: services.vote_own(request.user, motion, data["choice"]),
                   then=lambda _v: here, done=_("Your vote is recorded."))
    if done:
        return done
    person_id = request.user.person_id
    own = motion.votes.filter(person_id=person_id).first() if person_id else None
    may_vote = motion.closed_at is None and own is None and services.is_voter(request.user, motion.meeting)
    return render(request, "meetings/motion_vote.html", {
        "motion": motion, "meeting": motion.meeting, "form": form, "own": own, "may_vote": may_vote,
        "choices": VoteChoice.choices})


# --- accountability

FILTERS = ("open", "overdue", "all")


def _tracked_filter(qs, show: str):
    if show == "open":
        return qs.exclude(case__status__in=accountability.ENDED)
    if show == "overdue":
        return qs.exclude(case__status__in=accountability.ENDED).filter(
            Q(deadline__lt=timezone.localdate()) | Q(case__overdue=True))
    return qs


@login_required
@require_GET
def accountability_view(request: AuthenticatedRequest) -> HttpResponse:
    """Every assigned or escalated item in scope with its live case state; the figures of each series."""
    scope = scope_for(request.user)
    if not (scope.is_staff or scope.area_codes or scope.department_ids):
        raise Http404
    show = request.GET.get("show", "open")
    show = show if show in FILTERS else "open"
    meetings = scoped(Meeting.objects.all(), request.user)
    mine = Q(meeting__in=meetings)
    if scope.department_ids:  # what meetings handed to the user's department
        mine |= Q(case__handler_department_id__in=scope.department_ids)
    qs = _tracked_filter(accountability.tracked_items(AgendaItem.objects.filter(mine)), show)
    context = _page(qs, request, {"show": show})
    accountability.attach_state(context["items"])
    series = list(scoped(Series.objects.select_related("kind", "area"), request.user).filter(active=True)
                  .order_by("area__code", "pk")[:50])
    period = PeriodForm(request.GET or None)
    start = end = None
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    numbers = accountability.figures_by_series([s.pk for s in series], start, end)
    context.update(show=show, filters=FILTERS, series_rows=[(s, numbers[s.pk]) for s in series], period=period)
    return render(request, "meetings/accountability.html", context)


@require_GET
def public_accountability(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a community or street: figures and each handed-on item's state, no personal data."""
    area = Area.objects.filter(code=code[:15], level__in=[AreaLevel.COMMUNITY, AreaLevel.STREET]).first()
    if area is None:
        raise Http404
    low, high = code_range(area.code)
    series = list(Series.objects.filter(active=True, area__code__gte=low, area__code__lt=high)
                  .select_related("kind", "area").order_by("area__code", "pk")[:50])
    numbers = accountability.figures_by_series([s.pk for s in series])
    qs = accountability.tracked_items(AgendaItem.objects.filter(meeting__area__code__gte=low,
                                                                meeting__area__code__lt=high))
    context = _page(qs, request)
    accountability.attach_state(context["items"])
    context.update(area=area, series_rows=[(s, numbers[s.pk]) for s in series])
    return render(request, "meetings/public.html", context)


# --- mine

@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The topics I raised and what became of them."""
    person_id = request.user.person_id
    if not person_id:
        raise Http404
    qs = AgendaItem.objects.filter(raised_by_id=person_id).select_related("meeting__series", "case")
    return render(request, "meetings/mine.html", _page(qs, request))


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
    from .models import CalendarToken

    row = CalendarToken.objects.select_related("user").filter(token=token[:64], revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        raise Http404
    body = ical.calendar(ical.feed_window(services.user_calendar_meetings(row.user)), _("My meetings"),
                         request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response



# --- WeChat-group paste -----------------------------------------------------------------------------------------

def _paste_context(request: HttpRequest):
    from linli.cases.permissions import can_take_intake, intake_areas

    if not can_take_intake(request.user):
        raise Http404
    areas = intake_areas(request.user).order_by("code")
    runnable = [s.pk for s in scoped(Series.objects.select_related("area"), request.user).filter(active=True)
                if services.may_run(request.user, s)]
    meetings = (Meeting.objects.filter(series_id__in=runnable, status=MeetingStatus.SCHEDULED,
                                       ends_at__gte=timezone.now()).select_related("series")
                .order_by("starts_at", "pk"))
    return areas, meetings


def _row_initials(messages_, area, allowed: set[int]) -> list[dict]:
    """What each row proposes (two queries for any number of messages: the buildings and the categories)."""
    from linli.cases.models import Category
    from linli.places.models import Building

    low, high = code_range(area.code)
    grids_of: dict[str, set[int]] = {}
    for name, grid_id in Building.objects.filter(grid__code__gte=low, grid__code__lt=high).values_list(
            "name", "grid_id"):
        grids_of.setdefault(name, set()).add(grid_id)
    category_pk = dict(Category.objects.filter(active=True, parent__isnull=False).values_list("code", "pk"))
    rows = []
    for message in messages_:
        grids = grids_of.get(f"{message.building}栋", set()) if message.building is not None else set()
        grid = next(iter(grids)) if len(grids) == 1 else None  # only an unambiguous building under the area
        best = message.suggestions[0] if message.suggestions else None
        rows.append({"action": message.kind, "text": message.text, "nickname": message.nickname,
                     "sent_at": f"{timezone.localtime(message.at):%Y-%m-%d %H:%M}" if message.at else "",
                     "category": category_pk.get(best.code) if best else None,
                     "area": grid if grid in allowed else area.pk, "address": message.place})
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wechat_paste(request: AuthenticatedRequest) -> HttpResponse:
    """Paste a WeChat excerpt; Linli splits it and proposes; a person confirms each message."""
    from .forms import PasteForm, PasteRowFormSet, _category_choices
    from .wechat import PasteError, create_from_paste, split

    areas, meetings = _paste_context(request)
    step = request.POST.get("step", "")
    form = PasteForm(request.POST if step == "split" else None, areas=areas)
    choices = _category_choices()
    area_list = list(areas)
    meeting_list = list(meetings)
    row_kwargs = {"areas": areas, "meetings": meetings, "choices": choices,
                  "area_choices": [(a.pk, a.name) for a in area_list],
                  "meeting_choices": [("", "—")] + [(m.pk, m.title) for m in meeting_list]}
    if step == "split" and form.is_valid():
        try:
            messages_ = split(form.cleaned_data["paste"])
        except PasteError as exc:
            form.add_error("paste", exc)
        else:
            area = form.cleaned_data["area"]
            allowed = {a.pk for a in area_list}
            formset = PasteRowFormSet(initial=_row_initials(messages_, area, allowed), form_kwargs=row_kwargs)
            for row, message in zip(formset.forms, messages_, strict=True):
                row.message = message
                if not meeting_list and row.initial["action"] == "topic":
                    row.initial["action"] = "case"
            return render(request, "meetings/wechat_confirm.html", {
                "formset": formset, "group": form.cleaned_data["group"], "meetings": meeting_list})
    if step == "confirm":
        group = (request.POST.get("group") or "").strip()[:50]
        formset = PasteRowFormSet(request.POST, form_kwargs=row_kwargs)
        if not group or "<" in group or ">" in group:
            messages.error(request, _("Give the WeChat group's name, without < or >."))
        elif formset.is_valid():
            try:
                cases, items = create_from_paste(request.user, group, formset.cleaned_data)
            except PasteError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("%(cases)d cases filed and %(items)d topics put on agendas.") % {
                    "cases": len(cases), "items": len(items)})
                return render(request, "meetings/wechat_done.html", {"cases": cases, "items": items})
        return render(request, "meetings/wechat_confirm.html", {"formset": formset, "group": group,
                                                                "meetings": meeting_list})
    return render(request, "meetings/wechat_paste.html", {"form": form})
