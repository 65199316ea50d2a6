"""Errands: the staff list, the agent's phone list, each step, the receipt."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import fail, form_errors
from linli.core.http import AuthenticatedRequest
from linli.core.money import yuan_cents
from linli.core.paging import page_links
from linli.core.scope import scope_for

from ..forms import (
    CompleteForm,
    DispatchForm,
    ErrandForm,
    ReasonForm,
)
from ..models import Errand
from ..services import access, errands
from ..services.access import CareError
from .common import pick_person

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
    context = page_links(qs, request, {"status": status, "kind": kind})
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
    context = page_links(qs, request, newest_first=False)
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
