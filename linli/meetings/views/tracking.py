"""Accountability: every assigned or escalated item with its live case, for staff and per street in public."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from linli.core.codes import code_range
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links
from linli.core.scope import scope_for, scoped
from linli.places.models import Area, AreaLevel

from .. import accountability
from ..forms import (
    PeriodForm,
)
from ..models import AgendaItem, Meeting, Series

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
    context = page_links(qs, request, {"show": show})
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
    context = page_links(qs, request)
    accountability.attach_state(context["items"])
    context.update(area=area, series_rows=[(s, numbers[s.pk]) for s in series])
    return render(request, "meetings/public.html", context)
