"""Service records and their corrections, and service certificates."""


from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import fail
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links, parse_key
from linli.core.scope import get_scoped_or_404, scope_for, scoped
from linli.people.models import Person

from .. import access, activities, certificates
from ..activities import ActivityError
from ..forms import (
    CertificateForm,
    CorrectionRequestForm,
    DecideForm,
)
from ..models import (
    Certificate,
    RecordCorrection,
    ServiceRecord,
)
from .common import _resolve_person, _staff_areas, _visible_or_404

# --- service records -------------------------------------------------------------------------------------------

@login_required
@require_GET
def record_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    qs = access.records_in_scope(request.user).select_related("volunteer", "area")
    volunteer = None
    if (vid := parse_key(request.GET.get("volunteer"))) and scope.is_staff:
        volunteer = scoped(Person.objects.all(), request.user).filter(pk=vid).first()
        if volunteer is None:
            raise Http404
        qs = qs.filter(volunteer=volunteer)
    elif not scope.is_staff:
        qs = qs.filter(volunteer_id=request.user.person_id)
    confirmed = qs.filter(status=ServiceRecord.Status.CONFIRMED)
    total = confirmed.aggregate(n=Coalesce(Sum("minutes"), 0))["n"]
    pending_corrections = list(access.corrections_visible(request.user).filter(
        status=RecordCorrection.Status.PENDING).exclude(record__volunteer_id=request.user.person_id)
        .select_related("record__volunteer").order_by("pk")[:50])
    context = page_links(qs, request, {"volunteer": volunteer.pk if volunteer else None})
    context.update(volunteer=volunteer, total_hours=total / 60, staff=scope.is_staff,
                   corrections=pending_corrections)
    return render(request, "volunteering/records.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = _visible_or_404(access.records_visible(request.user).select_related(
        "volunteer", "area", "activity", "team", "recorded_by__person", "confirmed_by"), pk)
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activities.request_correction(record, request.user, minutes=form.cleaned_data["hours"],
                                          reason=form.cleaned_data["reason"])
            messages.success(request, _("Your request has been sent to the organiser."))
            return redirect("volunteering:record_detail", pk=record.pk)
        except ActivityError as exc:
            form.add_error(None, exc)
    corrections = list(record.corrections.select_related("requested_by", "decided_by").order_by("pk"))
    return render(request, "volunteering/records_detail.html", {
        "record": record, "form": form, "corrections": corrections,
        "may_request": record.volunteer_id == request.user.person_id
        and record.status == ServiceRecord.Status.CONFIRMED,
        "may_decide": access.may_decide_record(request.user, record), "decide_form": DecideForm()})


@login_required
@require_POST
def correction_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    correction = _visible_or_404(access.corrections_visible(request.user).select_related("record__activity"), pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
    else:
        try:
            activities.decide_correction(correction, request.user, accept=form.cleaned_data["decision"] == "accept",
                                         note=form.cleaned_data["note"])
            messages.success(request, _("The decision is recorded."))
        except ActivityError as exc:
            fail(request, exc)
    return redirect("volunteering:record_detail", pk=correction.record_id)


# --- certificates --------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_new(request: AuthenticatedRequest) -> HttpResponse:
    areas = _staff_areas(request.user)
    if not scope_for(request.user).is_staff:
        raise Http404
    initial: dict[str, Any] = {"person": parse_key(request.GET.get("person")), "date_to": timezone.localdate(),
               "date_from": timezone.localdate().replace(month=1, day=1)}
    form = CertificateForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _resolve_person(request.user, data)
        if person is None:
            form.add_error("mobile", _("No person with this mobile number in your area."))
        else:
            try:
                cert = certificates.issue(person, data["area"], data["date_from"], data["date_to"], request.user,
                                          issuer_name=data["issuer_name"])
                return redirect("volunteering:certificate", number=cert.number)
            except ActivityError as exc:
                form.add_error(None, exc)
    chosen = scoped(Person.objects.all(), request.user).filter(pk=initial["person"]).first() \
        if initial["person"] else None
    return render(request, "volunteering/certificate_form.html", {"form": form, "chosen": chosen})


@login_required
@require_GET
def certificate_detail(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """The printable certificate; staff reach any number in their scope to verify it."""
    cert = get_scoped_or_404(Certificate.objects.select_related("volunteer", "area", "issued_by"), request.user,
                             number=number[:20])
    records = list(cert.records.select_related("area").order_by("started_at", "pk"))
    return render(request, "volunteering/certificate.html", {
        "cert": cert, "records": records, "total_hours": cert.total_minutes / 60})
