"""Honours and party members' pledges with their follow-ups."""


from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links, parse_key
from linli.core.scope import get_scoped_or_404, scope_for, scoped

from .. import honours
from ..activities import ActivityError
from ..forms import (
    FollowUpForm,
    HonourForm,
    PledgeForm,
)
from ..models import (
    Honour,
    Pledge,
    PledgeFollowUp,
)
from .common import _resolve_person

# --- honours and pledges ------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def honour_list(request: AuthenticatedRequest) -> HttpResponse:
    staff = scope_for(request.user).is_staff
    level = request.GET.get("level", "")
    qs = scoped(Honour.objects.select_related("person"), request.user)
    if level in Honour.Level.values:
        qs = qs.filter(level=level)
    form = HonourForm(request.POST or None, initial={"person": parse_key(request.GET.get("person"))}) if staff else None
    if request.method == "POST":
        if not staff or form is None:
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
    context = page_links(qs, request, {"level": level})
    context.update(form=form, level=level, levels=Honour.Level.choices)
    return render(request, "volunteering/honour_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_list(request: AuthenticatedRequest) -> HttpResponse:
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
    context = page_links(qs, request, {"status": status})
    context.update(form=form, status=status, statuses=Pledge.Status.choices,
                   counts=[(label, counts.get(value, 0)) for value, label in Pledge.Status.choices],
                   staff=scope_for(request.user).is_staff)
    return render(request, "volunteering/pledge_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pledge = get_scoped_or_404(Pledge.objects.select_related("person", "area").prefetch_related(
        Prefetch("follow_ups", queryset=PledgeFollowUp.objects.select_related("by").order_by("date", "pk"))),
        request.user, pk=pk)
    may = honours.may_follow(request.user, pledge)
    form = FollowUpForm(request.POST or None) if may else None
    if request.method == "POST":
        if not may or form is None:
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
