"""The six helps: a provider's catalogue, booking for a recipient on a date, delivery with who and how long."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.care.models import HelpBooking, HelpService
from linli.care.services import figures, helps
from linli.care.services.access import CareError
from linli.care.tests.test_pages import login
from linli.places.models import PartnerUnit


@pytest.fixture
def service(care):
    provider = PartnerUnit.objects.create(kind="provider", name="康乐居家养老服务中心", area=care.tree.comm_a1)
    return HelpService.objects.create(kind="meals", name="老人饭堂送餐", provider=provider, area=care.tree.comm_a1,
                                      price_fen=1200)


def test_book_and_deliver(care, service):
    today = timezone.localdate()
    booking = helps.book(care.grid, service, care.recipient, date=today, note="少盐")
    assert booking.price_fen == 1200 and booking.status == "booked"
    helps.deliver(care.staff, booking, delivered_by="康乐中心护理员", minutes=30)
    booking.refresh_from_db()
    assert (booking.status, booking.minutes, booking.delivered_by) == ("delivered", 30, "康乐中心护理员")
    f = figures.care_figures(care.staff, today)
    assert f.helps_delivered == [("助餐", 1)]
    with pytest.raises(CareError):
        helps.deliver(care.staff, booking, delivered_by="x", minutes=30)  # not open any more


@pytest.mark.parametrize("days", [-1, 91])
def test_booking_dates_are_checked(care, service, days):
    with pytest.raises(CareError):
        helps.book(care.grid, service, care.recipient, date=timezone.localdate() + dt.timedelta(days=days))
    assert not HelpBooking.objects.exists()


def test_a_service_of_another_community_cannot_be_booked_and_outsiders_cannot_book(care, service):
    provider = PartnerUnit.objects.create(kind="provider", name="别处中心", area=care.tree.comm_b1)
    elsewhere = HelpService.objects.create(kind="cleaning", name="保洁", provider=provider, area=care.tree.comm_b1)
    with pytest.raises(CareError):
        helps.book(care.grid, elsewhere, care.recipient, date=timezone.localdate())
    with pytest.raises(CareError):
        helps.book(care.carer, service, care.recipient, date=timezone.localdate())
    assert not HelpBooking.objects.exists()


@pytest.mark.parametrize("data", [{"minutes": "0"}, {"minutes": "721"}, {"minutes": "x"}, {"delivered_by": ""}])
def test_bad_deliveries_are_refused_on_the_page(client, care, service, data):
    booking = helps.book(care.grid, service, care.recipient, date=timezone.localdate())
    login(client, care.grid)
    response = client.post(reverse("care:help_action", args=[booking.pk, "deliver"]),
                           {"delivered_by": "护理员", "minutes": "30", **data}, follow=True)
    assert 'class="error"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_the_booking_page_and_bookings_outside_the_scope(client, care, service):
    login(client, care.grid)
    response = client.post(reverse("care:help_book", args=[care.recipient.pk]),
                           {"service": service.pk, "date": timezone.localdate().isoformat(), "note": "送到家"})
    assert response.status_code == 302
    booking = HelpBooking.objects.get()
    login(client, care.staff_b)
    assert client.post(reverse("care:help_action", args=[booking.pk, "cancel"])).status_code == 404
    login(client, care.grid)
    assert "老人饭堂送餐" in client.get(reverse("care:helps")).content.decode()
