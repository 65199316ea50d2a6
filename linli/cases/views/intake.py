"""Intake pages: the phone report page (随手拍), staff intake, "my reports", and case photos."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.auth import client_ip
from linli.core.http import AuthenticatedRequest
from linli.core.models import UserLike
from linli.core.paging import page_by_id
from linli.core.scope import scoped

from .. import forms, limits, permissions, photos, queries, services
from ..models import Case, CasePhoto, Rating
from ..services import CaseError, transition

SEEN_KEY = "linli_cases_seen"
PAGE_SIZE = 20


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _remember(request: HttpRequest, number: str) -> None:
    """The session may show the confirmation page of the cases it filed or supported (also anonymous)."""
    seen = request.session.get(SEEN_KEY, [])
    if number not in seen:
        request.session[SEEN_KEY] = (seen + [number])[-20:]


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _report_context(request: HttpRequest, form: django_forms.Form, **extra: Any) -> dict[str, Any]:
    anonymous = not request.user.is_authenticated
    return {"form": form, "category_groups": forms.category_groups(), "anonymous": anonymous,
            "anonymous_streets": list(permissions.anonymous_streets()) if anonymous else [],
            "max_photos": photos.MAX_REPORT_PHOTOS, "max_description": forms.MAX_DESCRIPTION, **extra}


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """随手拍: category, up to three photos, the place, a few words."""
    anonymous = not request.user.is_authenticated
    if anonymous and not permissions.anonymous_streets().exists():
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        return render(request, "cases/report.html", _report_context(
            request, forms.ReportForm(initial={"client_token": str(uuid.uuid4())})))
    form = forms.ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/report.html", _report_context(request, form), status=400)
    data = form.cleaned_data
    try:
        if (case := services.existing_case(data["client_token"], request.user)) is None:
            duplicates = [] if data["confirm_new"] else queries.duplicate_hints(data["category"], data["location"])
            if duplicates:
                return render(request, "cases/report.html",
                              _report_context(request, form, duplicates=duplicates), status=409)
            case, _created = services.submit_report(
                user=request.user, category=data["category"], description=data["description"],
                location=data["location"], uploads=request.FILES.getlist("photos"),
                client_token=data["client_token"], location_source=data["location_source"],
                anonymous_ip=_ip(request) if anonymous else None)
    except ValidationError as exc:
        return render(request, "cases/report.html",
                      _report_context(request, form, errors=_messages_of(exc)), status=400)
    _remember(request, case.number)
    return redirect("cases:report_done", number=case.number)


@require_GET
def report_duplicates(request: HttpRequest) -> HttpResponse:
    """The open cases of this category near this point (shown to the reporter before filing)."""
    if not request.user.is_authenticated and not permissions.anonymous_streets().exists():
        raise Http404
    try:
        limits.check_lookup_rate(f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{_ip(request)}")
    except limits.IntakeError as exc:
        return HttpResponse(" ".join(exc.messages), status=429, content_type="text/plain; charset=utf-8")
    form = forms.ReportForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    duplicates = queries.duplicate_hints(data.get("category"), data.get("location"))
    return render(request, "cases/report_duplicates.html", {"duplicates": duplicates, "form": form})


@require_POST
def report_support(request: HttpRequest) -> HttpResponse:
    """我也遇到了: a "me too" on a suspected duplicate instead of a new report."""
    anonymous = not request.user.is_authenticated
    if anonymous and not permissions.anonymous_streets().exists():
        return redirect_to_login(reverse("cases:report"))
    form = forms.ReportForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if data.get("category") is None or data.get("location") is None:
            raise limits.IntakeError(_("That case is no longer open near this place; please file your report."))
        case = services.me_too(user=request.user, ref=request.POST.get("ref", ""), category=data["category"],
                             location=data["location"], anonymous_ip=_ip(request) if anonymous else None)
    except ValidationError as exc:
        form = forms.ReportForm(request.POST)
        return render(request, "cases/report.html",
                      _report_context(request, form, errors=_messages_of(exc)), status=400)
    _remember(request, case.number)
    return redirect(reverse("cases:report_done", kwargs={"number": case.number}) + "?supported=1")


@require_GET
def report_done(request: HttpRequest, number: str) -> HttpResponse:
    case = Case.objects.filter(number=number).select_related("category", "area").first()
    if case is None or number not in request.session.get(SEEN_KEY, []):
        raise Http404
    own = request.user.is_authenticated and case.reporter_id == request.user.pk
    return render(request, "cases/report_done.html",
                  {"case": case, "own": own, "supported": request.GET.get("supported") == "1"})


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request: AuthenticatedRequest) -> HttpResponse:
    """Staff intake for the hotline, WeChat groups, opinion drives and patrols."""
    if not permissions.can_take_intake(request.user):
        raise Http404
    areas = permissions.intake_areas(request.user)
    form = forms.StaffIntakeForm(request.POST or None, areas=areas)
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, _created = services.submit_report(
                    user=request.user, category=data["category"], description=data["description"],
                    location=data["location"], uploads=request.FILES.getlist("photos"), channel=data["channel"],
                    area=data["area"], allowed_codes=permissions.intake_area_codes(request.user),
                    caller_name=data["caller_name"].strip(), callback_phone=data["callback_phone"],
                    channel_ref=data["channel_ref"].strip(), address=data["address"].strip(),
                    location_source="map")
            except ValidationError as exc:
                errors, status = _messages_of(exc), 400
            else:
                messages.success(request, _("Case %(number)s was filed.") % {"number": case.number})
                return redirect("cases:new")
        else:
            status = 400
    return render(request, "cases/intake.html",
                  {"form": form, "errors": errors, "max_photos": photos.MAX_REPORT_PHOTOS}, status=status)


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """My reports, newest first, a page at a time by key (``?after=<id>``)."""
    after = request.GET.get("after", "")
    rows, next_after = page_by_id(queries.my_cases(request.user), after, PAGE_SIZE)
    return render(request, "cases/mine.html", {"cases": rows, "next_after": next_after, "after": after})


@login_required
@require_GET
def mine_detail(request: AuthenticatedRequest, number: str) -> HttpResponse:
    case = queries.my_case(request.user, number)
    return render(request, "cases/mine_detail.html",
                  {"case": case, "can_rate": permissions.can_rate(case), "ratings": Rating.choices})


@login_required
@require_POST
def rate(request: AuthenticatedRequest, number: str) -> HttpResponse:
    case = queries.my_case(request.user, number)
    rating = request.POST.get("rating", "")
    note = request.POST.get("note", "").strip()
    if len(note) > forms.MAX_DESCRIPTION:
        messages.error(request, _("Please keep the comment under %(n)d characters.") % {"n": forms.MAX_DESCRIPTION})
    else:
        try:
            transition(case, "rate", request.user, rating=rating, note=note)
        except (CaseError, PermissionDenied) as exc:
            messages.error(request, " ".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Thank you for your rating."))
    return redirect("cases:mine_detail", number=case.number)


def _may_see_photo(user: UserLike, photo: CasePhoto) -> bool:
    case = photo.case
    if photo.hidden:
        return scoped(Case.objects.filter(pk=case.pk), user).exists() if user.is_authenticated else False
    if photo.public_approved and not case.public_hidden:
        return True
    if not user.is_authenticated:
        return False
    if case.reporter_id == user.pk:
        return True
    return scoped(Case.objects.filter(pk=case.pk), user).exists()


@require_GET
def photo(request: HttpRequest, photo_uuid: uuid.UUID, thumb: bool = False) -> FileResponse:
    """A case photo, to the reporter, to staff whose scope covers the case, or to all once approved."""
    item = get_object_or_404(CasePhoto.objects.select_related("case"), uuid=photo_uuid)
    if not _may_see_photo(request.user, item):
        raise Http404
    return photos.photo_response(item, thumb=thumb, max_age=86400, missing=(FileNotFoundError,))
