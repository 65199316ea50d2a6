"""What the meetings pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from linli.core.paging import page_by_id, parse_key, parse_time_key
from linli.core.scope import get_scoped_or_404, scoped
from linli.people.models import Person

from .. import services
from ..models import AgendaItem, Meeting, Series

PAGE = 30


# --- helpers

def fail(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def done_message(done: str | Callable[[Any], str], result: Any) -> str:
    return done(result) if callable(done) else done


def handle(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], *,
           then: Callable[[Any], str], done: str | Callable[[Any], str] = "", denied: str = "") -> HttpResponse | None:
    """A form page's POST: when ``form`` is valid, ``action(cleaned_data)`` runs, the user is told ``done`` (a
    text, or made from the action's result) and redirected to ``then(result)``.  A refusal (``ValidationError``)
    goes onto the form; ``PermissionDenied`` onto the field ``denied`` (none: 404).  ``None`` means: render the
    page (a GET, or the form with its errors); nothing has changed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except PermissionDenied as exc:
        if not denied:
            raise Http404 from None
        form.add_error(denied, str(exc))
        return None
    if message := done_message(done, result):
        messages.success(request, message)
    return redirect(then(result))


def act(request: HttpRequest, form: forms.Form | None, action: Callable[[dict[str, Any]], Any], *, back: str,
        done: str | Callable[[Any], str] = "", then: Callable[[Any], str] | None = None) -> HttpResponse:
    """A POST-only action: validate ``form`` (``None``: nothing to validate), run ``action(cleaned_data)``, tell
    ``done`` and go to ``then(result)`` (or ``back``).  The form's errors and any refusal (``ValidationError``)
    become error messages, nothing changes, and the user is sent back to ``back``."""
    try:
        if form is not None and not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        result = action(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        fail(request, exc)
        return redirect(back)
    if message := done_message(done, result):
        messages.success(request, message)
    return redirect(then(result) if then is not None else back)


def page(qs, request: HttpRequest, params: dict | None = None, size: int = PAGE) -> dict:
    after = request.GET.get("after")
    items, next_key = page_by_id(qs, after, size)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return {"items": items, "next_url": "?" + urlencode({**params, "after": next_key}) if next_key else None,
            "first_url": ("?" + urlencode(params)) if parse_key(after) else None}


def by_start(qs, request: HttpRequest, *, upcoming: bool, params: dict, size: int = PAGE) -> dict:
    """Coming meetings soonest first, past ones newest first; keyset on (start, id): ``?after=<iso>_<id>``."""
    cursor = request.GET.get("after", "")
    when, _sep, last_id = cursor.rpartition("_")
    at, last = parse_time_key(when), parse_key(last_id)
    if at is not None and last is not None:
        qs = (qs.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=last)) if upcoming
              else qs.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=last)))
    rows = list(qs.order_by(*(("starts_at", "pk") if upcoming else ("-starts_at", "-pk")))[: size + 1])
    items = rows[:size]
    next_url = None
    if len(rows) > size:
        tail = items[-1]
        next_url = "?" + urlencode({**params, "after": f"{tail.starts_at.isoformat()}_{tail.pk}"})
    return {"items": items, "next_url": next_url, "first_url": "?" + urlencode(params) if cursor else None}


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
