"""The hotline: roster, swaps and calls."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.actions import fail, form_errors
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links
from linli.core.scope import scoped
from linli.people.models import Person

from .. import desk
from ..forms import (
    CallForm,
    SlotForm,
    SwapForm,
)
from ..models import (
    Call,
    DutySlot,
    Errand,
    HelpService,
)
from ..services import hotline as hotline_rules
from ..services.access import CareError

# --- hotline ----------------------------------------------------------------------------------------------------

@login_required
@require_GET
def hotline(request: AuthenticatedRequest) -> HttpResponse:
    areas = list(hotline_rules.hotline_areas(request.user).order_by("code")[:50])
    if not areas:
        raise Http404
    area = areas[0]
    raw = request.GET.get("area", "")
    if raw.isdigit():
        area = next((a for a in areas if a.pk == int(raw)), None)
        if area is None:
            raise Http404
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    try:
        week = max(-8, min(8, int(request.GET.get("week", "0"))))
    except ValueError:
        week = 0
    first = monday + dt.timedelta(weeks=week)
    shifts = hotline_rules.roster(area, first, 7)
    days = [(first + dt.timedelta(days=n), [s for s in shifts if s.date == first + dt.timedelta(days=n)])
            for n in range(7)]
    may_call = hotline_rules.may_take_calls(request.user, area)
    calls = (Call.objects.filter(area=area) if may_call else scoped(Call.objects.filter(area=area), request.user)
             ).select_related("person", "taken_by__person")
    context = {
        "areas": areas, "area": area, "days": days, "week": week, "today": today,
        "on_duty": hotline_rules.on_duty(area), "me_on_duty": hotline_rules.duty_now(request.user),
        "may_call": may_call, "may_plan": hotline_rules.may_plan_roster(request.user, area),
        **(desk.desk(request.user, area, areas, request.GET.get("q", "")) if may_call else {"area": area}),
        "slot_form": SlotForm(areas=areas, initial={"area": area.pk}), "swap_form": SwapForm(),
        **page_links(calls, request, {"area": area.pk, "week": week}),
    }
    return render(request, "care/hotline.html", context)


def _back(request: HttpRequest, area_pk: int | None = None) -> HttpResponse:
    """Back to where the call form was: the home page of the person on duty, or the hotline page."""
    if request.POST.get("back") == desk.HOME:
        return redirect("home")
    return redirect(reverse("care:hotline") + (f"?area={area_pk}" if area_pk else ""))


@login_required
@require_POST
def call_new(request: AuthenticatedRequest) -> HttpResponse:
    areas = list(hotline_rules.hotline_areas(request.user).order_by("code")[:50])
    services = HelpService.objects.filter(active=True).select_related("provider")
    form = CallForm(request.POST, areas=areas, services=services)
    if not areas:
        raise Http404
    if not form.is_valid():
        form_errors(request, form)
        return _back(request)
    data = form.cleaned_data
    area = next(a for a in areas if a.pk == data["area"])
    person = hotline_rules.hotline_people(request.user, area).select_related(
        "area", "household__unit__building").filter(pk=data["person"]).first()
    if person is None:
        messages.error(request, _("No such person in your area."))
        return _back(request, area.pk)
    service = services.filter(pk=data["service"]).first() if data.get("service") else None
    try:
        _call, made = hotline_rules.log_call(
            request.user, area, caller_name=data["caller_name"], callback_phone=data["callback_phone"],
            person=person, request_type=data["request_type"], notes=data["notes"],
            errand_kind=data.get("errand_kind") or "", category=data.get("category"), service=service,
            date=data.get("date"))
    except CareError as exc:
        fail(request, exc)
        return _back(request, area.pk)
    messages.success(request, _("The call was logged."))
    if isinstance(made, Errand):
        return redirect("care:errand_detail", pk=made.pk)
    return _back(request, area.pk)


@login_required
@require_POST
def slot_new(request: AuthenticatedRequest) -> HttpResponse:
    areas = list(hotline_rules.hotline_areas(request.user).order_by("code")[:50])
    form = SlotForm(request.POST, areas=areas)
    if not areas:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        area = next(a for a in areas if a.pk == data["area"])
        person = Person.objects.filter(pk=data["person"], area__code__startswith=area.code[:12]).first()
        if person is None:
            messages.error(request, _("No such person in this community."))
        else:
            try:
                hotline_rules.add_slot(request.user, area, weekday=data["weekday"], starts=data["starts"],
                                 ends=data["ends"], person=person)
            except CareError as exc:
                fail(request, exc)
            else:
                messages.success(request, _("The duty was added to the roster."))
    else:
        form_errors(request, form)
    return redirect("care:hotline")


@login_required
@require_POST
def swap_new(request: AuthenticatedRequest) -> HttpResponse:
    form = SwapForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("care:hotline")
    data = form.cleaned_data
    areas = hotline_rules.hotline_areas(request.user)
    slot = DutySlot.objects.filter(pk=data["slot"], area__in=areas).select_related("area").first()
    if slot is None:
        raise Http404
    replacement = Person.objects.filter(pk=data["replacement"], area__code__startswith=slot.area.code[:12]).first()
    if replacement is None:
        messages.error(request, _("No such person in this community."))
        return redirect("care:hotline")
    try:
        hotline_rules.swap(request.user, slot, date=data["date"], replacement=replacement, reason=data["reason"])
    except CareError as exc:
        fail(request, exc)
    else:
        messages.success(request, _("The duty was swapped."))
    return redirect("care:hotline")
