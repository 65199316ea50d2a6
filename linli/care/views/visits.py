"""Visits from a phone, the need a visit found, due and missed visits, alerts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import fail, form_errors, handle
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links
from linli.core.scope import scope_for, scoped
from linli.places.models import Area, AreaLevel

from ..forms import (
    AlertForm,
    NeedForm,
    VisitForm,
)
from ..models import Alert, CarePair, Visit
from ..services import access, plans, visits
from ..services.access import CareError
from .common import recipient_page, require_manager

# --- visits --------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    if not access.may_record_visit(request.user, recipient):
        raise Http404
    form = VisitForm(request.POST or None)
    def record(data: dict) -> Visit:
        started = data["started_at"]
        if timezone.is_naive(started):
            started = timezone.make_aware(started)
        return visits.record_visit(
            request.user, recipient, mode=data["mode"], started_at=started,
            ended_at=started + dt.timedelta(minutes=data["minutes"]), health=data["health"],
            home_safety=data["home_safety"], mood=data["mood"], needs=data["needs"], findings=data["findings"],
            follow_up=data["follow_up"], outcome=data["outcome"], lat=data.get("lat"), lng=data.get("lng"))

    if done := handle(request, form, record, then=lambda visit: reverse("care:visit_detail", args=[visit.pk]),
                      done=_("The visit was recorded.")):
        return done
    return render(request, "care/visit_form.html", {"form": form, "recipient": recipient})


@login_required
@require_GET
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visits.visit_or_404(request.user, pk)
    may_act = access.may_record_visit(request.user, visit.recipient)
    return render(request, "care/visit_detail.html", {
        "visit": visit, "errands": list(visit.errands.all()), "may_act": may_act,
        "need_form": NeedForm(initial={"text": visit.needs or visit.findings}) if may_act else None})


@login_required
@require_POST
def visit_need(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = visits.visit_or_404(request.user, pk)
    if not access.may_record_visit(request.user, visit.recipient):
        raise Http404
    form = NeedForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("care:visit_detail", pk=visit.pk)
    data = form.cleaned_data
    try:
        made = visits.turn_need(request.user, visit, data["kind"], text=data["text"], category=data.get("category"),
                                errand_kind=data.get("errand_kind") or "other")
    except CareError as exc:
        fail(request, exc)
        return redirect("care:visit_detail", pk=visit.pk)
    if data["kind"] == "errand":
        messages.success(request, _("Errand #%(n)s was logged.") % {"n": made.pk})
        return redirect("care:errand_detail", pk=made.pk)
    if data["kind"] == "case":
        messages.success(request, _("Case %(n)s was filed.") % {"n": made.number})
    else:
        messages.success(request, _("The micro-wish was posted."))
    return redirect("care:visit_detail", pk=visit.pk)


@login_required
@require_GET
def visit_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = scoped(Visit.objects.all(), request.user).select_related("recipient__person", "carer")
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(carer_id=request.user.person_id)
    return render(request, "care/visit_list.html", {**page_links(qs, request, {"mine": "1" if mine else ""}),
                                                    "mine": mine})


# --- due and missed visits --------------------------------------------------------------------------------------

@login_required
@require_GET
def due_list(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    which = request.GET.get("which", "overdue")
    if which not in ("overdue", "soon"):
        which = "overdue"
    qs = plans.dues_for(request.user).filter(plans.overdue_q(now) if which == "overdue" else plans.due_soon_q(now))
    if request.GET.get("mine") == "1" and request.user.person_id:
        qs = qs.filter(recipient_id__in=CarePair.objects.active().mine_q_ids(request.user.person_id))
    context = page_links(qs, request, {"which": which, "mine": request.GET.get("mine", "")}, newest_first=False)
    counts = plans.dues_for(request.user).aggregate(
        overdue=Count("id", filter=plans.overdue_q(now)), soon=Count("id", filter=plans.due_soon_q(now)))
    context.update({"which": which, "counts": counts, "now": now})
    return render(request, "care/due_list.html", context)


# --- alerts ----------------------------------------------------------------------------------------------------

def _alert_areas(user) -> list[Area]:
    scope = scope_for(user)
    if not (scope.everything or scope.is_staff or scope.roles & {"care_worker"}):
        return []
    qs = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
    if not scope.everything:
        qs = qs.filter(Area.scope_q(scope))
    return list(qs.order_by("code")[:300])


@login_required
@require_http_methods(["GET", "POST"])
def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    require_manager(request)
    areas = _alert_areas(request.user)
    form = AlertForm(request.POST or None, areas=areas) if areas else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if done := handle(request, form, lambda data: plans.declare_alert(
                request.user, kind=data["kind"], area=next(a for a in areas if a.pk == data["area"]),
                note=data["note"]),
                then=lambda _alert: reverse("care:alerts"),
                done=lambda alert: _("Alert declared: %(n)d people need a visit within 24 hours.")
                % {"n": alert.dues.count()}):
            return done
    qs = scoped(Alert.objects.all(), request.user).select_related("area", "declared_by__person").annotate(
        due=Count("dues"), met=Count("dues", filter=Q(dues__met_at__isnull=False)))
    return render(request, "care/alerts.html", {**page_links(qs, request), "form": form})
