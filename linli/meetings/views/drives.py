"""Opinion drive pages: residents answer on a phone; staff see the counts and take opinions up in one step."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import act, handle
from linli.core.codes import ancestor_codes
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links
from linli.core.scope import scope_for

from .. import opinions, services
from ..forms import (
    DriveForm,
    OpinionForm,
    ToCaseForm,
    ToTopicForm,
)
from ..models import (
    Meeting,
    MeetingStatus,
    Opinion,
    OpinionDrive,
)


def _drive_url(drive: OpinionDrive) -> str:
    return reverse("meetings:drive", args=[drive.pk])


def _drive_or_404(request: HttpRequest, pk: int) -> OpinionDrive:
    drive = opinions.visible_drives(request.user).select_related("area").filter(pk=pk).first()
    if drive is None:
        raise Http404
    return drive


def _meetings_to_take_up(user, drive: OpinionDrive) -> QuerySet[Meeting]:
    """Coming meetings hosted over the drive's area that the user runs."""
    qs = (Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=timezone.now(),
                                 area__code__in=ancestor_codes(drive.area.code))
          | Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=timezone.now(),
                                   area__code__startswith=drive.area.code))
    qs = qs.select_related("series__area").order_by("starts_at", "pk")[:100]
    return Meeting.objects.filter(pk__in=[m.pk for m in qs if services.may_run(user, m.series)]).order_by(
        "starts_at", "pk")


@login_required
@require_GET
def drive_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = opinions.visible_drives(request.user).select_related("area")
    context = page_links(qs, request)
    numbers = opinions.counts([d.pk for d in context["items"]])
    now = timezone.now()
    for d in context["items"]:
        d.numbers, d.open = numbers[d.pk], d.opens_at <= now < d.closes_at
    context["may_create"] = scope_for(request.user).is_staff
    return render(request, "meetings/drive_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def drive_new(request: AuthenticatedRequest) -> HttpResponse:
    areas = services.host_areas(request.user)
    if not scope_for(request.user).is_staff:
        raise Http404
    form = DriveForm(request.POST or None, areas=areas)
    return handle(request, form, lambda data: opinions.create_drive(request.user, **data), then=_drive_url,
                  done=_("The opinion drive is open to the residents."), denied="area") or render(
        request, "meetings/drive_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def drive_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    drive = _drive_or_404(request, pk)
    run = opinions.may_run_drive(request.user, drive)
    own = Opinion.objects.filter(drive=drive, person_id=request.user.person_id).first() \
        if request.user.person_id else None
    form = OpinionForm(request.POST or None)
    done = handle(request, form, lambda data: opinions.answer(request.user, drive, data["text"]),
                  then=lambda _o: _drive_url(drive), done=_("Thank you: your opinion is recorded."))
    if done:
        return done
    context = {"drive": drive, "run": run, "own": own, "form": form, "open": opinions.is_open(drive),
               "may_answer": opinions.may_answer(request.user, drive),
               "numbers": opinions.counts([drive.pk])[drive.pk]}
    if run:
        qs = drive.opinions.select_related("person", "case", "item__meeting")
        context.update(page_links(qs, request))
        context.update(case_form=ToCaseForm(), topic_form=ToTopicForm(meetings=_meetings_to_take_up(
            request.user, drive)))
    return render(request, "meetings/drive_detail.html", context)


@login_required
@require_POST
def opinion_take_up(request: AuthenticatedRequest, pk: int, how: str) -> HttpResponse:
    opinion = Opinion.objects.select_related("drive__area", "person__area").filter(
        pk=pk, drive__in=opinions.visible_drives(request.user)).first()
    if opinion is None or not opinions.may_run_drive(request.user, opinion.drive):
        raise Http404
    back = _drive_url(opinion.drive)
    if how == "case":
        return act(request, ToCaseForm(request.POST),
                   lambda data: opinions.to_case(request.user, opinion, category=data["category"]), back=back,
                   done=lambda taken: _("Filed as case %(number)s.") % {"number": taken.case.number})
    return act(request, ToTopicForm(request.POST, meetings=_meetings_to_take_up(request.user, opinion.drive)),
               lambda data: opinions.to_topic(request.user, opinion, meeting=data["meeting"]), back=back,
               done=lambda taken: _("Put on the agenda of %(meeting)s.") % {"meeting": taken.item.meeting.title})
