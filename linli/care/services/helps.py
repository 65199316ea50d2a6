"""The six helps (六助): services from a catalogue, booked for a recipient on a date, delivered and recorded."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.scope import scope_for, scoped

from ..models import CareRecipient, HelpBooking, HelpService
from .access import CareError, manages, recipient_or_404

BOOK_AHEAD_DAYS = 90


def services_for(recipient: CareRecipient):
    """Active services offered in a unit covering the recipient's area."""
    code = recipient.area.code
    prefixes = [code[:n] for n in (6, 9, 12, 15) if n <= len(code)]
    return HelpService.objects.filter(active=True, area__code__in=prefixes).select_related("provider")


def may_book(user, recipient: CareRecipient) -> bool:
    from .errands import may_dispatch

    return manages(scope_for(user), recipient.area.code) or may_dispatch(user, recipient.area.code)


@transaction.atomic
def book(user, service: HelpService, recipient: CareRecipient, *, date: dt.date, note: str = "",
         call=None) -> HelpBooking:
    if not may_book(user, recipient):
        raise CareError(_("Only staff, care and grid workers, and the hotline book services here."))
    if not services_for(recipient).filter(pk=service.pk).exists():
        raise CareError(_("This service is not offered where the person lives."))
    today = timezone.localdate()
    if date < today or date > today + dt.timedelta(days=BOOK_AHEAD_DAYS):
        raise CareError(_("Book for today or a day in the next %(n)d days.") % {"n": BOOK_AHEAD_DAYS})
    if len(note or "") > 200:
        raise CareError(_("Keep the note under 200 characters."))
    return HelpBooking.objects.create(service=service, recipient=recipient, area=recipient.area, date=date,
                                      price_fen=service.price_fen, booked_by=user, call=call,
                                      note=(note or "").strip())


def booking_or_404(user, pk: int) -> HelpBooking:
    booking = scoped(HelpBooking.objects.select_related("service__provider", "recipient__person", "area"),
                     user).filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


@transaction.atomic
def deliver(user, booking: HelpBooking, *, delivered_by: str, minutes: int, note: str = "") -> HelpBooking:
    booking = HelpBooking.objects.select_for_update().select_related("recipient__area").get(pk=booking.pk)
    recipient_or_404(user, booking.recipient_id)
    if not may_book(user, booking.recipient):
        raise CareError(_("Only staff, care and grid workers record services delivered here."))
    if booking.status != HelpBooking.Status.BOOKED:
        raise CareError(_("This booking is not open."))
    delivered_by = (delivered_by or "").strip()
    if not delivered_by or len(delivered_by) > 50:
        raise CareError(_("Say who delivered the service (at most 50 characters)."))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 720:
        raise CareError(_("The time spent is between 1 and 720 minutes."))
    if booking.date > timezone.localdate():
        raise CareError(_("A service booked for a later day cannot be delivered yet."))
    booking.status, booking.delivered_by, booking.minutes = HelpBooking.Status.DELIVERED, delivered_by, minutes
    booking.delivered_at = timezone.now()
    if note:
        booking.note = (booking.note + " " + note.strip())[:200]
    booking.save()
    return booking


@transaction.atomic
def cancel(user, booking: HelpBooking) -> HelpBooking:
    recipient_or_404(user, booking.recipient_id)
    if not may_book(user, booking.recipient):
        raise CareError(_("Only staff, care and grid workers cancel bookings here."))
    if booking.status != HelpBooking.Status.BOOKED:
        raise CareError(_("This booking is not open."))
    booking.status = HelpBooking.Status.CANCELLED
    booking.save(update_fields=["status"])
    return booking
