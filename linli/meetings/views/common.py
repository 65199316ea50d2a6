"""What the meetings pages share."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse

from linli.core.scope import get_scoped_or_404, scoped
from linli.people.models import Person

from .. import services
from ..models import AgendaItem, Meeting, Series


def series_or_404(request: HttpRequest, pk: int) -> Series:
    return get_scoped_or_404(Series.objects.select_related("kind", "area", "escalates_to"), request.user, pk=pk)


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    return get_scoped_or_404(Meeting.objects.select_related("series__kind", "series__area", "area"),
                             request.user, pk=pk)


def series_url(series: Series) -> str:
    return reverse("meetings:series_detail", args=[series.pk])


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def item_url(item: AgendaItem) -> str:
    return meeting_url(item.meeting) + f"#item-{item.pk}"


def run_or_404(request: HttpRequest, series: Series) -> None:
    if not services.may_run(request.user, series):
        raise Http404


def meeting_to_run(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, for those who run its series (anyone else: 404)."""
    meeting = meeting_or_404(request, pk)
    run_or_404(request, meeting.series)
    return meeting


def person_by_mobile(user, mobile: str) -> Person | None:
    return scoped(Person.objects.all(), user).filter(mobile=mobile).order_by("pk").first()
