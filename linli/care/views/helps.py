"""The six helps (catalogue, bookings, delivery) and the 微孝 outreach page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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

from ..forms import (
    BookForm,
    DeliverForm,
    OutreachForm,
)
from ..models import (
    HelpBooking,
    HelpService,
)
from ..services import access, helps, outreach
from ..services.access import CareError

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
        "deliver_form": DeliverForm(), **page_links(bookings, request, {"status": status})})


@login_required
@require_http_methods(["GET", "POST"])
def help_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = access.recipient_or_404(request.user, pk)
    if not helps.may_book(request.user, recipient):
        raise Http404
    services = list(helps.services_for(recipient))
    form = BookForm(request.POST or None, services=services, initial={"date": timezone.localdate()})

    def book(data: dict) -> None:
        service = next(s for s in services if s.pk == data["service"])
        helps.book(request.user, service, recipient, date=data["date"], note=data["note"])

    if done := handle(request, form, book, then=lambda _r: reverse("care:recipient_detail", args=[recipient.pk]),
                      done=_("The service was booked.")):
        return done
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
    if done := handle(request, form, lambda data: outreach.record(
            request.user, data["activity"], kind=data["kind"], partners=data["partners"],
            departments=data["departments"]),
            then=lambda _r: reverse("care:outreach"),
            done=lambda _r: _("Recorded: %(title)s.") % {"title": form.cleaned_data["activity"].title}):
        return done
    qs = outreach.visible(request.user)
    items = qs.select_related("activity__area", "activity__team").prefetch_related("partners", "departments")
    return render(request, "care/outreach.html", {"form": form, "totals": outreach.totals(qs),
                                                  "activity_new_url": reverse("volunteering:activity_new"),
                                                  **page_links(items, request)})
