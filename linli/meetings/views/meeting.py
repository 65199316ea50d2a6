"""One meeting: its page, move, cancel, close, printable minutes; the agenda: proposals, items, promotion of
open cases, order, outcomes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.cases.models import Case
from linli.core.actions import act, handle
from linli.core.http import AuthenticatedRequest
from linli.core.scope import scoped

from .. import accountability, services
from ..forms import (
    CancelForm,
    FreeItemForm,
    MotionForm,
    MoveForm,
    OutcomeForm,
    PromoteForm,
    TopicForm,
)
from ..models import AgendaItem, ItemEvent, Meeting, MeetingStatus, Motion, Vote
from .common import item_url, meeting_or_404, meeting_to_run, meeting_url, run_or_404

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
    meeting = meeting_or_404(request, pk)
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
    meeting = meeting_to_run(request, pk)
    return act(request, MoveForm(request.POST), lambda data: services.move_meeting(request.user, meeting, **data),
               back=meeting_url(meeting), done=_("The meeting is moved; the attendees are told."))


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)
    return act(request, CancelForm(request.POST),
               lambda data: services.cancel_meeting(request.user, meeting, reason=data["reason"]),
               back=meeting_url(meeting),
               done=_("The meeting is cancelled; the attendees are told and open items moved on."))


@login_required
@require_POST
def meeting_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)
    return act(request, None, lambda _d: services.close_minutes(request.user, meeting), back=meeting_url(meeting),
               done=_("The minutes are closed."))


@login_required
@require_GET
def minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Printable minutes (A4)."""
    meeting = meeting_or_404(request, pk)
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
    return handle(request, form, lambda data: services.propose_topic(request.user, meeting, **data),
                  then=lambda _item: reverse("meetings:mine"),
                  done=_("Your topic is on the agenda of %(meeting)s. You will be told the outcome.") % {
                       "meeting": meeting.title}) or render(request, "meetings/propose.html",
                                                            {"meeting": meeting, "form": form})


@login_required
@require_POST
def item_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)
    return act(request, FreeItemForm(request.POST), lambda data: services.add_item(request.user, meeting, **data),
               back=meeting_url(meeting), done=_("The item is on the agenda."))


@login_required
@require_POST
def item_promote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)

    def promote(data: dict[str, Any]) -> AgendaItem:
        case = scoped(Case.objects.select_related("category", "reporter__person", "area"), request.user).filter(
            number=data["number"]).first()
        if case is None:
            raise ValidationError(_("No such case in your area."))
        return services.promote_case(request.user, meeting, case)

    return act(request, PromoteForm(request.POST), promote, back=meeting_url(meeting),
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
    run_or_404(request, item.meeting.series)
    return act(request, None, lambda _d: services.move_item(request.user, item, direction), back=item_url(item))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the item's one outcome (phone friendly: the minute-taker at the table)."""
    item = _item_or_404(request, pk)
    run_or_404(request, item.meeting.series)
    form = OutcomeForm(request.POST or None, request.FILES or None,
                       departments=services.handler_departments(item.meeting),
                       targets=services.escalation_targets(item))
    done = handle(request, form, lambda data: services.record_outcome(
        request.user, item, outcome=data["outcome"], summary=data["summary"], note=data["note"],
        deadline=data["deadline"], level=data["level"], department=data["department"], category=data["category"],
        target=data["target"], photo=data["photo"]), then=item_url, done=_("The outcome is recorded."))
    if done:
        return done
    events = list(ItemEvent.objects.filter(item=item).select_related("actor").order_by("at", "pk")[:50])
    return render(request, "meetings/item_outcome.html", {"item": item, "meeting": item.meeting, "form": form,
                                                          "events": events})
