"""Pages of the hotline (roster, swaps, calls), errands (staff list, the agent's phone list, each step) and the
six helps (catalogue, bookings, delivery).  Thin views over ``services``; 404 outside the scope."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.http import AuthenticatedRequest
from linli.core.money import yuan_cents
from linli.core.scope import scope_for, scoped
from linli.people.models import Person

from . import desk
from .forms import (
    BookForm,
    CallForm,
    CompleteForm,
    DeliverForm,
    DispatchForm,
    ErrandForm,
    OutreachForm,
    ReasonForm,
    SlotForm,
    SwapForm,
)
from .models import Call, DutySlot, Errand, HelpBooking, HelpService
from .services import access, errands, helps, outreach
from .services import hotline as hotline_rules
from .services.access import CareError
from .views import fail, form_errors, page, pick_person

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
        **page(calls, request, {"area": area.pk, "week": week}),
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


# --- errands ----------------------------------------------------------------------------------------------------

@login_required
@require_GET
def errand_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = errands.visible_errands(request.user).select_related("person", "agent", "area")
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in Errand.Status.values:
        qs = qs.filter(status=status)
    if kind in Errand.Kind.values:
        qs = qs.filter(kind=kind)
    context = page(qs, request, {"status": status, "kind": kind})
    context.update({"statuses": Errand.Status.choices, "kinds": Errand.Kind.choices, "status": status, "kind": kind,
                    "may_log": access.is_manager(scope_for(request.user))
                    or scope_for(request.user).has_role("hotline_duty")})
    return render(request, "care/errand_list.html", context)


@login_required
@require_GET
def errand_mine(request: AuthenticatedRequest) -> HttpResponse:
    """The agent's phone list: errands sent to them and not done yet, oldest first."""
    if not request.user.person_id:
        raise Http404
    qs = errands.agent_open(request.user)
    context = page(qs, request, newest_first=False)
    done = Errand.objects.filter(agent_id=request.user.person_id, status__in=[
        Errand.Status.DONE, Errand.Status.CONFIRMED]).count()
    return render(request, "care/errand_mine.html", {**context, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def errand_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (access.is_manager(scope) or scope.has_role("hotline_duty")):
        raise Http404
    form = ErrandForm(request.POST or None, initial={"person": request.GET.get("person", "")[:19]})
    if request.method == "POST" and form.is_valid():
        person = pick_person(request.user, form.cleaned_data) or errands.pick_hotline_person(request.user,
                                                                                             form.cleaned_data)
        if person is None:
            form.add_error(None, _("No person with this number or mobile number in your area."))
        else:
            try:
                errand = errands.create_errand(request.user, person, kind=form.cleaned_data["kind"],
                                               description=form.cleaned_data["description"],
                                               advance_fen=form.cleaned_data["advance"])
            except CareError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Errand #%(n)s was logged.") % {"n": errand.pk})
                return redirect("care:errand_detail", pk=errand.pk)
    return render(request, "care/errand_form.html", {"form": form})


@login_required
@require_GET
def errand_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    errand = errands.errand_or_404(request.user, pk)
    user = request.user
    is_agent = errand.agent_id is not None and errand.agent_id == user.person_id
    may_dispatch = errands.may_dispatch(user, errand.area.code)
    agents = list(errands.agents_for(errand.area.code)[:100]) if may_dispatch else []
    return render(request, "care/errand_detail.html", {
        "errand": errand, "events": list(errand.events.select_related("by__person")), "is_agent": is_agent,
        "may_dispatch": may_dispatch and errand.status in (Errand.Status.REQUESTED, Errand.Status.DISPATCHED),
        "may_cancel": may_dispatch and errand.status in Errand.OPEN,
        "may_confirm": errand.status == Errand.Status.DONE and errands.may_confirm(user, errand) and not is_agent,
        "dispatch_form": DispatchForm(agents=agents), "complete_form": CompleteForm(), "reason_form": ReasonForm(),
        "advance": yuan_cents(errand.advance_fen),
        "spent": yuan_cents(errand.spent_fen) if errand.spent_fen is not None else None,
        "change": yuan_cents(errand.change_fen) if errand.change_fen is not None else None,
    })


@login_required
@require_POST
def errand_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    errand = errands.errand_or_404(request.user, pk)
    user = request.user
    form: forms.Form
    try:
        if action == "dispatch":
            agents = errands.agents_for(errand.area.code)
            form = DispatchForm(request.POST, agents=agents)
            if not form.is_valid():
                raise CareError(_("Choose an agent from the list."))
            errands.dispatch(user, errand, agents.get(pk=form.cleaned_data["agent"]))
        elif action == "accept":
            errands.accept(user, errand)
        elif action in ("decline", "cancel"):
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise CareError(_("Say why."))
            (errands.decline if action == "decline" else errands.cancel)(user, errand, form.cleaned_data["reason"])
        elif action == "complete":
            form = CompleteForm(request.POST, request.FILES)
            if not form.is_valid():
                form_errors(request, form)
                return redirect("care:errand_detail", pk=errand.pk)
            data = form.cleaned_data
            errands.complete(user, errand, note=data["note"], spent_fen=data["spent"], change_fen=data["change"],
                             receipt=data.get("receipt"))
        elif action == "confirm":
            errands.confirm(user, errand)
        else:
            raise Http404
    except CareError as exc:
        fail(request, exc)
        return redirect("care:errand_detail", pk=errand.pk)
    messages.success(request, _("Done."))
    if action == "complete":
        return redirect("care:errand_mine")
    return redirect("care:errand_detail", pk=errand.pk)


@login_required
@require_GET
def errand_receipt(request: AuthenticatedRequest, pk: int) -> FileResponse:
    errand = errands.errand_or_404(request.user, pk)
    if not errand.receipt:
        raise Http404
    response = FileResponse(errand.receipt.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- six helps --------------------------------------------------------------------------------------------------

@login_required
@require_GET
def helps_page(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not access.is_manager(scope) and not scope.has_role("hotline_duty"):
        raise Http404
    services = scoped(HelpService.objects.filter(active=True), request.user).select_related("provider", "area")
    bookings = scoped(HelpBooking.objects.all(), request.user).select_related("service", "recipient__person")
    status = request.GET.get("status", "")
    if status in HelpBooking.Status.values:
        bookings = bookings.filter(status=status)
    return render(request, "care/helps.html", {
        "services": list(services[:100]), "statuses": HelpBooking.Status.choices, "status": status,
        "deliver_form": DeliverForm(), **page(bookings, request, {"status": status})})


@login_required
@require_http_methods(["GET", "POST"])
def help_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = access.recipient_or_404(request.user, pk)
    if not helps.may_book(request.user, recipient):
        raise Http404
    services = list(helps.services_for(recipient))
    form = BookForm(request.POST or None, services=services, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        service = next(s for s in services if s.pk == form.cleaned_data["service"])
        try:
            helps.book(request.user, service, recipient, date=form.cleaned_data["date"], note=form.cleaned_data["note"])
        except CareError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service was booked."))
            return redirect("care:recipient_detail", pk=recipient.pk)
    return render(request, "care/help_book.html", {"form": form, "recipient": recipient})


@login_required
@require_POST
def help_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    booking = helps.booking_or_404(request.user, pk)
    try:
        if action == "deliver":
            form = DeliverForm(request.POST)
            if not form.is_valid():
                form_errors(request, form)
                return redirect("care:helps")
            helps.deliver(request.user, booking, **form.cleaned_data)
        elif action == "cancel":
            helps.cancel(request.user, booking)
        else:
            raise Http404
    except CareError as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("care:helps")


# --- 微孝义诊/家访/课堂 -----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def outreach_page(request: AuthenticatedRequest) -> HttpResponse:
    """The 微孝 free clinics, home-visit days and classes of the scope, their totals, and the form that records
    a volunteering activity as one of them with its partner units and departments."""
    if not access.is_manager(scope_for(request.user)):
        raise Http404
    form = OutreachForm(request.POST or None, activities=outreach.linkable_activities(request.user),
                        partners=outreach.partners_for(request.user),
                        departments=outreach.departments_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outreach.record(request.user, data["activity"], kind=data["kind"], partners=data["partners"],
                            departments=data["departments"])
        except CareError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Recorded: %(title)s.") % {"title": data["activity"].title})
            return redirect("care:outreach")
    qs = outreach.visible(request.user)
    items = qs.select_related("activity__area", "activity__team").prefetch_related("partners", "departments")
    return render(request, "care/outreach.html", {"form": form, "totals": outreach.totals(qs),
                                                  "activity_new_url": reverse("volunteering:activity_new"),
                                                  **page(items, request)})
