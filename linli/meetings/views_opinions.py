"""Opinion drive pages: residents answer on a phone; staff see the counts and take opinions up in one step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.codes import ancestor_codes
from linli.core.scope import scope_for

from . import opinions, services
from .forms import DriveForm, OpinionForm, ToCaseForm, ToTopicForm
from .models import Meeting, MeetingStatus, Opinion
from .views import _page


def _drive_or_404(request: HttpRequest, pk: int):
    drive = opinions.visible_drives(request.user).select_related("area").filter(pk=pk).first()
    if drive is None:
        raise Http404
    return drive


def _meetings_to_take_up(user, drive):
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
def drive_list(request: HttpRequest) -> HttpResponse:
    qs = opinions.visible_drives(request.user).select_related("area")
    context = _page(qs, request)
    numbers = opinions.counts([d.pk for d in context["items"]])
    now = timezone.now()
    for d in context["items"]:
        d.numbers, d.open = numbers[d.pk], d.opens_at <= now < d.closes_at
    context["may_create"] = scope_for(request.user).is_staff
    return render(request, "meetings/drive_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def drive_new(request: HttpRequest) -> HttpResponse:
    areas = services.host_areas(request.user)
    if not scope_for(request.user).is_staff:
        raise Http404
    form = DriveForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            drive = opinions.create_drive(request.user, **form.cleaned_data)
            messages.success(request, _("The opinion drive is open to the residents."))
            return redirect("meetings:drive", pk=drive.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("area", _("You cannot start an opinion drive in this unit."))
    return render(request, "meetings/drive_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def drive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drive = _drive_or_404(request, pk)
    run = opinions.may_run_drive(request.user, drive)
    own = Opinion.objects.filter(drive=drive, person_id=request.user.person_id).first() \
        if request.user.person_id else None
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opinions.answer(request.user, drive, form.cleaned_data["text"])
            messages.success(request, _("Thank you: your opinion is recorded."))
            return redirect("meetings:drive", pk=drive.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            raise Http404 from None
    context = {"drive": drive, "run": run, "own": own, "form": form, "open": opinions.is_open(drive),
               "may_answer": opinions.may_answer(request.user, drive),
               "numbers": opinions.counts([drive.pk])[drive.pk]}
    if run:
        qs = drive.opinions.select_related("person", "case", "item__meeting")
        context.update(_page(qs, request))
        context.update(case_form=ToCaseForm(), topic_form=ToTopicForm(meetings=_meetings_to_take_up(
            request.user, drive)))
    return render(request, "meetings/drive_detail.html", context)


@login_required
@require_POST
def opinion_take_up(request: HttpRequest, pk: int, how: str) -> HttpResponse:
    opinion = Opinion.objects.select_related("drive__area", "person__area").filter(
        pk=pk, drive__in=opinions.visible_drives(request.user)).first()
    if opinion is None or not opinions.may_run_drive(request.user, opinion.drive):
        raise Http404
    try:
        if how == "case":
            form = ToCaseForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            opinion = opinions.to_case(request.user, opinion, category=form.cleaned_data["category"])
            messages.success(request, _("Filed as case %(number)s.") % {"number": opinion.case.number})
        else:
            form = ToTopicForm(request.POST, meetings=_meetings_to_take_up(request.user, opinion.drive))
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            opinion = opinions.to_topic(request.user, opinion, meeting=form.cleaned_data["meeting"])
            messages.success(request, _("Put on the agenda of %(meeting)s.") % {"meeting": opinion.item.meeting.title})
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("meetings:drive", pk=opinion.drive_id)
