"""The app's home, meeting series: list, new, page, occurrences generated ahead, an ad hoc call, iCal, the
Excel of items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import act, handle
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_by_start, page_links
from linli.core.scope import scope_for, scoped
from linli.people.models import Person

from .. import accountability, exports, ical, services
from ..forms import (
    CallForm,
    SeriesForm,
)
from ..models import MeetingStatus, Series
from .common import meeting_url, person_by_mobile, run_or_404, series_or_404, series_url

# --- home of the app

@login_required
@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Coming meetings the user may join or propose topics to; staff also see their series."""
    now = timezone.now()
    qs = (services.visible_meetings(request.user).filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
          .select_related("series__kind", "area"))
    context = page_by_start(qs, request, upcoming=True, params={})
    scope = scope_for(request.user)
    context.update(staff=scope.is_staff or bool(services.host_areas(request.user).exists()))
    return render(request, "meetings/index.html", context)


@login_required
@require_GET
def series_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = scoped(Series.objects.select_related("kind", "area"), request.user).filter(active=True)
    context = page_links(qs, request)
    context["figures"] = accountability.figures_by_series([s.pk for s in context["items"]])
    for s in context["items"]:
        s.figures = context["figures"][s.pk]
    context["may_create"] = services.host_areas(request.user).exists()
    return render(request, "meetings/series_list.html", context)


def _members(user, numbers: list[str]) -> list[Person]:
    people = []
    for number in numbers:
        person = person_by_mobile(user, number)
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

    return handle(request, form, create, then=series_url, denied="area",
                  done=_("The series is set up and its coming meetings are scheduled.")) or render(
        request, "meetings/series_form.html", {"form": form})


@login_required
@require_GET
def series_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = series_or_404(request, pk)
    now = timezone.now()
    coming = list(series.meetings.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
                  .annotate(n_items=Count("items")).order_by("starts_at", "pk")[:6])
    past = page_by_start(series.meetings.filter(ends_at__lt=now).annotate(n_items=Count("items")), request,
                         upcoming=False, params={})
    return render(request, "meetings/series_detail.html", {
        "series": series, "coming": coming, **past, "figures": accountability.figures(series),
        "run": services.may_run(request.user, series), "member_count": series.members.count(),
        "departments": list(series.departments.order_by("name")[:50]),
        "partners": list(series.partners.order_by("kind", "name")[:50]), "call_form": CallForm()})


@login_required
@require_POST
def series_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = series_or_404(request, pk)
    run_or_404(request, series)
    return act(request, None, lambda _d: services.generate(series), back=series_url(series),
               done=lambda made: _("%(n)d coming meetings scheduled.") % {"n": len(made)})


@login_required
@require_POST
def series_call(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = series_or_404(request, pk)
    run_or_404(request, series)
    return act(request, CallForm(request.POST), lambda data: services.call_meeting(request.user, series, **data),
               back=series_url(series), then=meeting_url,
               done=_("The meeting is called; the members are invited."))


@login_required
@require_GET
def series_ical(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = series_or_404(request, pk)
    body = ical.calendar(ical.feed_window(series.meetings.all()), series.name, request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="series-{series.pk}.ics"'
    return response


@login_required
@require_GET
def series_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = series_or_404(request, pk)
    run_or_404(request, series)
    body = exports.series_items_xlsx(series, exports.export_queryset(series))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="series-{series.pk}-items.xlsx"'
    return response
